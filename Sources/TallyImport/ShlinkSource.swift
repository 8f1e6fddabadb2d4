import Foundation
import TallyCore

/// A Shlink server read through its REST API v3 (`/rest/v3`, key in `X-Api-Key`): its domains, every short URL with
/// its title and tags, and, when asked, each visited short URL's visits summed into daily totals (bots as spiders).
/// Shlink keeps no unique-visitor flag, so imported days have no unique counts; `validSince`, `validUntil`, `maxVisits`
/// and device-specific long URLs have no ClickTally equivalent and are listed in the link's notes.
public struct ShlinkSource: Sendable {
    let api: SourceClient
    let pageSize: Int

    public init(api: SourceClient, pageSize: Int = 100) {
        self.api = api
        self.pageSize = pageSize
    }

    public func snapshot(history: Bool) async throws -> AccountSnapshot {
        var snapshot = AccountSnapshot()
        let domains = try await api.json("/domains")
        for case let domain as [String: Any] in (SourceClient.member(SourceClient.member(domains, "domains") ?? [:], "data") as? [Any]) ?? [] {
            guard let name = domain["domain"] as? String, domain["isDefault"] as? Bool != true else { continue }
            snapshot.domains.append(.init(sourceID: name.lowercased(), name: name.lowercased(), type: .dedicated))
        }
        let custom = Set(snapshot.domains.map(\.sourceID))
        var page = 1
        var visited: [(id: String, code: String, domain: String?)] = []
        while true {
            let url = api.url("/short-urls", [("page", "\(page)"), ("itemsPerPage", "\(pageSize)")])
            let body = try await api.json("/short-urls", [("page", "\(page)"), ("itemsPerPage", "\(pageSize)")])
            guard let list = SourceClient.member(body, "shortUrls"), let data = SourceClient.member(list, "data") as? [Any] else {
                throw ImportSourceError.malformed(url: url, reason: "no shortUrls.data list")
            }
            for case let item as [String: Any] in data {
                guard let code = item["shortCode"] as? String, let longURL = item["longUrl"] as? String else {
                    throw ImportSourceError.malformed(url: url, reason: "a short URL without shortCode or longUrl")
                }
                let domain = (item["domain"] as? String)?.lowercased()
                let onCustom = domain.map(custom.contains) ?? false
                var record = AccountSnapshot.DatapointRecord(sourceID: "\(domain ?? "")/\(code)", name: code)
                record.destinationURL = longURL
                record.title = item["title"] as? String ?? ""
                record.tags = item["tags"] as? [String] ?? []
                record.domain = onCustom ? domain : nil
                record.redirectType = .found
                if let created = item["dateCreated"] as? String { record.createdAt = Self.time(created) }
                record.notes = Self.notes(item)
                snapshot.datapoints.append(record)
                let total = (SourceClient.member(item["visitsSummary"] ?? [:], "total") as? NSNumber)?.intValue ?? (item["visitsCount"] as? Int) ?? 0
                if total > 0 { visited.append((record.sourceID, code, domain)) }
            }
            let pagination = SourceClient.member(list, "pagination")
            let pages = (SourceClient.member(pagination ?? [:], "pagesCount") as? NSNumber)?.intValue ?? page
            if data.isEmpty || page >= pages { break }
            page += 1
        }
        if history {
            for link in visited { snapshot.history += try await visits(link.id, code: link.code, domain: link.domain) }
        }
        return snapshot
    }

    /// What Shlink's short URL had that a ClickTally link does not, kept where a person will find it.
    static func notes(_ item: [String: Any]) -> String {
        var lines: [String] = []
        if let meta = item["meta"] as? [String: Any] {
            for key in ["validSince", "validUntil", "maxVisits"] {
                if let value = meta[key], !(value is NSNull) { lines.append("Shlink \(key): \(value)") }
            }
        }
        if let devices = item["deviceLongUrls"] as? [String: Any] {
            for (device, url) in devices.sorted(by: { $0.key < $1.key }) where url is String { lines.append("Shlink \(device) URL: \(url)") }
        }
        return lines.joined(separator: "\n")
    }

    /// One short URL's visits as daily totals (the day as the visit's own timestamp gives it).
    func visits(_ sourceID: String, code: String, domain: String?) async throws -> [AccountSnapshot.HistoryRecord] {
        var days: [String: StatsCounts] = [:]
        var page = 1
        while true {
            var query = [("page", "\(page)"), ("itemsPerPage", "1000")]
            if let domain { query.append(("domain", domain)) }
            let path = "/short-urls/\(code.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? code)/visits"
            let body = try await api.json(path, query)
            guard let list = SourceClient.member(body, "visits"), let data = SourceClient.member(list, "data") as? [Any] else {
                throw ImportSourceError.malformed(url: api.url(path, query), reason: "no visits.data list")
            }
            for case let visit as [String: Any] in data {
                guard let date = visit["date"] as? String, date.count >= 10 else { continue }
                let day = date.prefix(10).replacingOccurrences(of: "-", with: "")
                var counts = days[day] ?? StatsCounts()
                if visit["potentialBot"] as? Bool == true { counts.spiderClicks += 1 }
                counts.clicks += 1
                counts.lastHit = max(counts.lastHit, Self.time(date) ?? 0)
                days[day] = counts
            }
            let pages = (SourceClient.member(SourceClient.member(list, "pagination") ?? [:], "pagesCount") as? NSNumber)?.intValue ?? page
            if data.isEmpty || page >= pages { break }
            page += 1
        }
        return days.sorted { $0.key < $1.key }.map { .init(entity: .datapoint, sourceID: sourceID, day: $0.key, counts: $0.value) }
    }

    /// An ISO 8601 time with its offset (`2016-08-21T20:34:16+02:00`) as milliseconds since 1970.
    static func time(_ text: String) -> Int64? {
        let parser = ISO8601DateFormatter()
        guard let date = parser.date(from: text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
