import Foundation
import TallyCore

/// Links from a CSV file with a header row naming its columns (docs/importing.md lists them): `name` and
/// `destination` (or `type` `pixel`), and optionally `title`, `notes`, `group`, `tags` (separated by `;`), `redirect`
/// (301, 302 or 307), `status` (active, paused, deleted), `domain` (one of the account's domains), `favourite`.
/// A row is matched to its link by domain and name, so running the same file again updates instead of duplicating.
public enum CSVSource {
    public static let columns = ["name", "destination", "type", "title", "notes", "group", "tags", "redirect", "status", "domain", "favourite"]

    /// The snapshot, and the line each datapoint came from (by `sourceID`), so a link the import refuses is reported with its line.
    public static func snapshot(_ text: String) throws -> (snapshot: AccountSnapshot, lines: [String: Int]) {
        let table = try CSVTable(text)
        let unknown = table.header.filter { !columns.contains($0.lowercased()) }
        guard unknown.isEmpty else {
            throw CSVTable.ParseError(
                line: 1, reason: "unknown column \(unknown.joined(separator: ", ")); the columns are \(columns.joined(separator: ", "))")
        }
        guard table.header.contains(where: { $0.lowercased() == "name" }) else {
            throw CSVTable.ParseError(line: 1, reason: "a name column is needed: rows are matched to links by name")
        }
        var snapshot = AccountSnapshot()
        var groups: Set<String> = []
        var domains: Set<String> = []
        var seen: [String: Int] = [:]
        for row in table.rows {
            func value(_ column: String) -> String { (table.value(row, column) ?? "").trimmingCharacters(in: .whitespaces) }
            func fail(_ reason: String) -> CSVTable.ParseError { CSVTable.ParseError(line: row.line, reason: reason) }
            guard row.fields.count <= table.header.count else { throw fail("\(row.fields.count) fields for \(table.header.count) columns") }
            let name = value("name")
            guard !name.isEmpty else { throw fail("the name is empty") }
            let domain = value("domain").lowercased()
            let key = domain.isEmpty ? name : "\(domain)/\(name)"
            if let earlier = seen[key] { throw fail("'\(name)' is also on line \(earlier)") }
            seen[key] = row.line
            var record = AccountSnapshot.DatapointRecord(sourceID: key, name: name)
            switch value("type").lowercased() {
            case "", "link", "tl", "trackinglink": record.type = .trackingLink
            case "pixel", "tp", "trackingpixel": record.type = .trackingPixel
            case let other: throw fail("type '\(other)' is neither link nor pixel")
            }
            let destination = value("destination")
            if record.type == .trackingLink {
                guard !destination.isEmpty else { throw fail("a link needs a destination") }
                record.destinationURL = destination
            } else if !destination.isEmpty {
                throw fail("a pixel has no destination")
            }
            record.title = value("title")
            record.notes = value("notes")
            if !value("redirect").isEmpty {
                guard let code = Int(value("redirect")), let redirect = RedirectType(rawValue: code) else {
                    throw fail("redirect '\(value("redirect"))' is not 301, 302 or 307")
                }
                record.redirectType = redirect
            }
            if !value("status").isEmpty {
                guard let status = ClickMeterVocabulary.statusNames[value("status").lowercased()], status != .abuse else {
                    throw fail("status '\(value("status"))' is not active, paused or deleted")
                }
                record.status = status
            }
            switch value("favourite").lowercased() {
            case "", "false", "0", "no": record.isFavourite = false
            case "true", "1", "yes": record.isFavourite = true
            case let other: throw fail("favourite '\(other)' is not true or false")
            }
            record.tags = value("tags").split(whereSeparator: { $0 == ";" || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let group = value("group")
            if !group.isEmpty {
                record.group = group.lowercased()
                if groups.insert(group.lowercased()).inserted { snapshot.groups.append(.init(sourceID: group.lowercased(), name: group)) }
            }
            if !domain.isEmpty {
                record.domain = domain
                if domains.insert(domain).inserted { snapshot.domains.append(.init(sourceID: domain, name: domain, type: .dedicated)) }
            }
            snapshot.datapoints.append(record)
        }
        return (snapshot, seen)
    }
}
