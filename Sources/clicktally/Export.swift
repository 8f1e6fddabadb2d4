import ArgumentParser
import Foundation
import TallyCore
import TallyHTTP
import TallyImport
import TallyStorage

/// `clicktally export`: an account's whole configuration as JSON (`import json` reads it back) or its links as CSV
/// (`import csv` reads that back), and optionally its raw hits as NDJSON or CSV.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write an account's configuration (and optionally its history and raw hits).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv }

    @Option(help: "json: everything, for `import json`; csv: the links, for `import csv`.") var format: Format = .json
    @Flag(help: "With json: every datapoint's and goal's daily totals too.") var history = false
    @Option(help: "Also write the raw hits to this file: NDJSON, or CSV when it ends in .csv.") var hits: String?
    @Option(help: "Write to this file instead of standard output.") var output: String?
    @OptionGroup var owner: OwnerOptions
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let (snapshot, hitCount) = try await Runner.admin(options, owner: owner) { admin, database in
            let reader = try await admin.snapshotReader(database: database)
            let snapshot = try await reader.read(history: history)
            var count = 0
            if let hits { count = try await Self.writeHits(to: hits, reader: reader, database: database) }
            return (snapshot, count)
        }
        let text: String
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            text = String(decoding: try encoder.encode(snapshot), as: UTF8.self) + "\n"
        case .csv:
            text = Self.csv(snapshot)
        }
        if let output {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if hits != nil { FileHandle.standardError.write(Data("wrote \(hitCount) hits\n".utf8)) }
    }

    /// The links in `import csv`'s columns.
    static func csv(_ snapshot: AccountSnapshot) -> String {
        let groups = Dictionary(uniqueKeysWithValues: snapshot.groups.map { ($0.sourceID, $0.name) })
        let domains = Dictionary(uniqueKeysWithValues: snapshot.domains.map { ($0.sourceID, $0.name) })
        var lines = [CSVSource.columns.joined(separator: ",")]
        for record in snapshot.datapoints where record.status != .abuse {
            let fields = [
                record.name, record.destinationURL ?? "", record.type == .trackingPixel ? "pixel" : "link", record.title, record.notes,
                record.group.flatMap { groups[$0] } ?? "", record.tags.joined(separator: ";"),
                record.type == .trackingLink ? "\(record.redirectType.rawValue)" : "",
                record.status.name, record.domain.flatMap { domains[$0] } ?? "", record.isFavourite ? "true" : "false",
            ]
            lines.append(fields.map(CSVTable.quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func writeHits(to path: String, reader: SnapshotReader, database: any TallyDatabase) async throws -> Int {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CommandFailure(description: "cannot write \(path)")
        }
        defer { try? handle.close() }
        let asCSV = path.lowercased().hasSuffix(".csv")
        let columns = [
            "id", "datapointId", "time", "kind", "ip", "userAgent", "referrer", "query", "isUnique", "isSpider", "spiderReason", "country", "region",
            "city", "browser", "os", "device", "source", "language",
        ]
        if asCSV { handle.write(Data((columns.joined(separator: ",") + "\r\n").utf8)) }
        var count = 0
        try await reader.eachHit { hit in
            let values: [Any] = [
                hit.id, hit.datapointID, hit.time, hit.kind == .click ? "click" : "view", hit.ip, hit.userAgent, hit.referrer, hit.query,
                hit.isUnique,
                hit.isSpider, hit.spiderReason, hit.country, hit.region, hit.city, hit.browser, hit.os, hit.deviceType, hit.source, hit.language,
            ]
            let line: String
            if asCSV {
                line = values.map { CSVTable.quoted("\($0)") }.joined(separator: ",") + "\r\n"
            } else {
                let object = Dictionary(uniqueKeysWithValues: zip(columns, values))
                line = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
            }
            handle.write(Data(line.utf8))
            count += 1
        }
        return count
    }
}
