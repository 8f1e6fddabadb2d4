import Foundation
import TallyCore

/// A ClickMeter account read through its API v2 (ClickMeter's own, or another ClickTally's `/v2`): domains, groups,
/// retargeting scripts, conversion goals and their links, tracking links and pixels with every option, tags, the IP
/// blacklist and the domain whitelist, and, when asked, the daily statistics of every datapoint and goal that has any.
public struct ClickMeterSource: Sendable {
    let api: SourceClient
    /// Page size for lists (ClickMeter caps `limit`; a short page ends a list).
    let pageSize: Int
    public typealias Progress = @Sendable (_ what: String, _ done: Int) -> Void
    let progress: Progress?

    public init(api: SourceClient, pageSize: Int = 500, progress: Progress? = nil) {
        self.api = api
        self.pageSize = pageSize
        self.progress = progress
    }

    /// The days of history to read, `YYYYMMDD` each, in the source account's time zone.
    public struct HistoryRange: Sendable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    public func snapshot(history: HistoryRange?) async throws -> AccountSnapshot {
        var snapshot = AccountSnapshot()
        // The source's own domains (system, go) are not the account's to move.
        for type in ["dedicated", "personal"] {
            for object in try await list("/domains", [("type", type)]) {
                let item = WireObject(object)
                guard let id = try item.int64("id"), let name = try item.string("name") else { continue }
                snapshot.domains.append(.init(sourceID: "\(id)", name: name, type: type == "personal" ? .personal : .dedicated))
            }
        }
        let domainIDs = Set(snapshot.domains.map(\.sourceID))
        var groupIDs: [String] = []
        for object in try await list("/groups", [("status", "active")]) {
            let item = WireObject(object)
            guard let id = try item.int64("id") else { continue }
            groupIDs.append("\(id)")
            snapshot.groups.append(
                .init(
                    sourceID: "\(id)", name: try item.string("name") ?? "group \(id)", notes: try item.string("notes") ?? "",
                    isFavourite: try item.bool("preferred") ?? false))
        }
        for object in try await list("/retargeting", []) {
            let item = WireObject(object)
            guard let id = try item.int64("id") else { continue }
            snapshot.scripts.append(
                .init(sourceID: "\(id)", name: try item.string("name") ?? "script \(id)", script: try item.string("script") ?? ""))
        }
        for object in try await list("/conversions", [("status", "all")]) {
            let item = WireObject(object)
            guard let id = try item.int64("id") else { continue }
            var record = AccountSnapshot.ConversionRecord(sourceID: "\(id)", name: try item.string("name") ?? "conversion \(id)")
            record.description = try item.string("description") ?? ""
            record.notes = try item.string("notes") ?? ""
            record.value = try item.double("value") ?? 0
            record.isHTTPS = try item.enumeration("protocol", names: ["http": false, "https": true], numbers: [0: false, 1: true]) ?? false
            record.isDeleted = try item.bool("deleted") ?? false
            if let attribution = try item.string("attribution"), let known = Attribution(rawValue: attribution) { record.attribution = known }
            record.datapoints = try await list("/conversions/\(id)/datapoints", [], expand: false).compactMap { try WireObject($0).int64("id") }
                .map { "\($0)" }
            snapshot.conversions.append(record)
        }
        var count = 0
        for object in try await list("/datapoints", [("status", "all")]) {
            do {
                snapshot.datapoints.append(try ClickMeterRecords.datapoint(WireObject(object), domains: domainIDs))
            } catch let error as ValidationError {
                throw ImportSourceError.malformed(url: api.url("/datapoints", []), reason: "datapoint \(object["id"] ?? "?"): \(error.message)")
            }
            count += 1
            if count % 1000 == 0 { progress?("datapoints read", count) }
        }
        for tag in try await list("/tags", []) {
            guard let id = try WireObject(tag).int64("id"), let name = try WireObject(tag).string("name") else { continue }
            for group in try await list("/tags/\(id)/groups", [], expand: false) {
                if let groupID = try WireObject(group).int64("id"), groupIDs.contains("\(groupID)") {
                    snapshot.groupTags.append(.init(tag: name, group: "\(groupID)"))
                }
            }
        }
        snapshot.ipBlacklist = try await list("/account/ipblacklist", [], expand: false).compactMap { try WireObject($0).string("ip") }
        snapshot.domainWhitelist = try await list("/account/domainwhitelist", [], expand: false).compactMap { try WireObject($0).string("name") }
        if let history {
            snapshot.history = try await self.history(history, datapoints: snapshot.datapoints, conversions: snapshot.conversions)
        }
        return snapshot
    }

    /// Every page of a list, `_expand=true` unless told otherwise.
    func list(_ path: String, _ query: [(String, String)], expand: Bool = true) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var offset = 0
        while true {
            var parameters = query + [("offset", "\(offset)"), ("limit", "\(pageSize)")]
            if expand { parameters.append(("_expand", "true")) }
            let page = try await api.json(path, parameters)
            guard let entries = SourceClient.member(page, "entities") as? [Any] else {
                throw ImportSourceError.malformed(url: api.url(path, parameters), reason: "no entities list")
            }
            items += entries.compactMap { $0 as? [String: Any] }
            guard entries.count == pageSize else { return items }
            offset += pageSize
        }
    }
}
