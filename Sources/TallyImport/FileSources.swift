import Foundation
import TallyCore

/// YOURLS from a MySQL dump (`mysqldump` of its database): the `yourls_url` rows become links, and the `yourls_log`
/// rows, when present, daily click totals. Reads `INSERT INTO` statements with or without a column list, values
/// quoted as MySQL writes them (`''` and backslash escapes); other statements are skipped.
public enum YOURLSDump {
    static let urlColumns = ["keyword", "url", "title", "timestamp", "ip", "clicks"]
    static let logColumns = ["click_id", "click_time", "shorturl", "referrer", "user_agent", "ip_address", "country_code"]

    public static func snapshot(_ text: String, history: Bool) throws -> AccountSnapshot {
        var snapshot = AccountSnapshot()
        var days: [String: [String: StatsCounts]] = [:]
        for statement in try SQLInserts.parse(text) {
            let table = statement.table.lowercased()
            if table.hasSuffix("url") && !table.hasSuffix("shorturl") {
                let columns = statement.columns ?? urlColumns
                for row in statement.rows {
                    func value(_ name: String) -> String? { columns.firstIndex(of: name).flatMap { $0 < row.count ? row[$0] : nil } }
                    guard let keyword = value("keyword"), let url = value("url") else {
                        throw SQLInserts.ParseError(line: statement.line, reason: "a yourls_url row without keyword or url")
                    }
                    var record = AccountSnapshot.DatapointRecord(sourceID: keyword, name: keyword)
                    record.destinationURL = url
                    record.title = value("title") ?? ""
                    record.redirectType = .movedPermanently  // YOURLS answers 301
                    snapshot.datapoints.append(record)
                }
            } else if history, table.hasSuffix("log") {
                let columns = statement.columns ?? logColumns
                for row in statement.rows {
                    func value(_ name: String) -> String? { columns.firstIndex(of: name).flatMap { $0 < row.count ? row[$0] : nil } }
                    guard let keyword = value("shorturl"), let time = value("click_time"), time.count >= 10 else { continue }
                    let day = time.prefix(10).replacingOccurrences(of: "-", with: "")
                    days[keyword, default: [:]][day, default: StatsCounts()].clicks += 1
                }
            }
        }
        let known = Set(snapshot.datapoints.map(\.sourceID))
        for (keyword, perDay) in days.sorted(by: { $0.key < $1.key }) where known.contains(keyword) {
            for (day, counts) in perDay.sorted(by: { $0.key < $1.key }) {
                snapshot.history.append(.init(entity: .datapoint, sourceID: keyword, day: day, counts: counts))
            }
        }
        return snapshot
    }
}

/// Bitly's link export (CSV): a short link column (`link`, `bitlink` or `short link`: `bit.ly/abc`), the long URL
/// (`long_url` or `long url`), and optionally `title`, `tags` (separated by `,` inside the field, `;` or `|`),
/// `created_at`/`created` and `archived`. Bitly's own domains land on this server's domain; a branded domain
/// becomes one of the account's. Click totals in the export have no days, so no history comes with it.
public enum BitlyCSV {
    static let bitlyDomains: Set<String> = ["bit.ly", "j.mp", "bitly.is", "amzn.to"]

    public static func snapshot(_ text: String) throws -> (snapshot: AccountSnapshot, lines: [String: Int]) {
        let table = try CSVTable(text)
        func column(_ names: String...) -> String? { names.first { name in table.header.contains { $0.lowercased() == name } } }
        guard let linkColumn = column("link", "bitlink", "short link", "short url"), let longColumn = column("long_url", "long url", "destination")
        else {
            throw CSVTable.ParseError(line: 1, reason: "a Bitly export has a link (or bitlink) column and a long_url (or long url) column")
        }
        var snapshot = AccountSnapshot()
        var lines: [String: Int] = [:]
        var domains: Set<String> = []
        for row in table.rows {
            let link = (table.value(row, linkColumn) ?? "").trimmingCharacters(in: .whitespaces)
            let withoutScheme = link.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
            let parts = withoutScheme.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw CSVTable.ParseError(line: row.line, reason: "'\(link)' is not a short link such as bit.ly/abc")
            }
            let (host, name) = (parts[0].lowercased(), parts[1])
            var record = AccountSnapshot.DatapointRecord(sourceID: "\(host)/\(name)", name: name)
            record.destinationURL = (table.value(row, longColumn) ?? "").trimmingCharacters(in: .whitespaces)
            record.title = column("title").flatMap { table.value(row, $0) } ?? ""
            record.tags = (column("tags").flatMap { table.value(row, $0) } ?? "").split(whereSeparator: { ",;|".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let archived = column("archived").flatMap({ table.value(row, $0) }), ["true", "yes", "1"].contains(archived.lowercased()) {
                record.status = .paused
            }
            record.redirectType = .movedPermanently  // Bitly answers 301
            if !bitlyDomains.contains(host) {
                record.domain = host
                if domains.insert(host).inserted { snapshot.domains.append(.init(sourceID: host, name: host, type: .dedicated)) }
            }
            lines[record.sourceID] = row.line
            snapshot.datapoints.append(record)
        }
        return (snapshot, lines)
    }
}
