import ArgumentParser
import AsyncHTTPClient
import Foundation
import TallyCore
import TallyHTTP
import TallyImport
import TallyStorage

/// `clicktally import SOURCE …`: an account's links, campaigns and history from another service, idempotent and
/// resumable (docs/importing.md).
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Bring links, campaigns and statistics from ClickMeter, a CSV file or a ClickTally export.",
        subcommands: [ClickMeter.self, Shlink.self, YOURLS.self, BitlyCSV.self, CSV.self, JSON.self])

    struct Common: ParsableArguments {
        @Flag(help: "Read the source and report what would change; write nothing.") var dryRun = false
        @Flag(help: "Take over links whose name is already used by a link this import did not make.") var update = false
    }

    struct ClickMeter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clickmeter", abstract: "Import a ClickMeter account through its API v2 (ClickMeter's, or another ClickTally's /v2).")

        @Option(help: "The API's base URL, e.g. https://apiv2.clickmeter.com or https://old.example.com/v2.") var apiUrl: String
        @Option(help: "The source's API key (or set CLICKTALLY_SOURCE_KEY, which keeps it out of the process list).") var key: String?
        @Flag(inversion: .prefixedNo, help: "Import the daily statistics history.") var history = true
        @Option(help: "The first day of history, YYYYMMDD (default: the source account's timeframeMinDate).") var historyFrom: String?
        @Option(help: "The last day of history, YYYYMMDD (default: today).") var historyTo: String?
        @OptionGroup var common: Common
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let key = key ?? ProcessInfo.processInfo.environment["CLICKTALLY_SOURCE_KEY"], !key.isEmpty else {
                throw ArgumentParser.ValidationError("give the source's key with --key or CLICKTALLY_SOURCE_KEY")
            }
            let bar = ProgressBar()
            let snapshot = try await ImportCommand.withHTTPClient { http in try await read(http, key: key, bar: bar) }
            let host = URL(string: apiUrl)?.host ?? apiUrl
            try await ImportCommand.write(snapshot, source: "clickmeter:\(host)", common: common, owner: owner, options: options, bar: bar)
        }

        func read(_ http: HTTPClient, key: String, bar: ProgressBar) async throws -> AccountSnapshot {
            let api = SourceClient(client: http, baseURL: apiUrl, headers: [("X-Clickmeter-Authkey", key)])
            let source = ClickMeterSource(api: api, progress: { what, done in bar.show(what, done, nil) })
            var range: ClickMeterSource.HistoryRange?
            if history {
                let account = try await api.json("/account")
                let first = (SourceClient.member(account, "timeframeMinDate") as? String).map { String($0.prefix(8)) }
                let today = ClickMeterDate.dayText(WallClock.system.now() / LocalTime.dayMilliseconds)
                range = .init(from: historyFrom ?? first ?? today, to: historyTo ?? today)
            }
            return try await source.snapshot(history: range)
        }
    }

    struct Shlink: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "shlink", abstract: "Import a Shlink server's short URLs, tags, domains and visits through its REST API v3.")

        @Option(help: "The server's base URL, e.g. https://s.example.com (the importer adds /rest/v3).") var apiUrl: String
        @Option(help: "A Shlink API key (or set CLICKTALLY_SOURCE_KEY).") var key: String?
        @Flag(inversion: .prefixedNo, help: "Import the visits as daily totals.") var history = true
        @OptionGroup var common: Common
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let key = key ?? ProcessInfo.processInfo.environment["CLICKTALLY_SOURCE_KEY"], !key.isEmpty else {
                throw ArgumentParser.ValidationError("give the source's key with --key or CLICKTALLY_SOURCE_KEY")
            }
            let base = apiUrl.hasSuffix("/rest/v3") ? apiUrl : apiUrl.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/rest/v3"
            let snapshot = try await ImportCommand.withHTTPClient { http in
                try await ShlinkSource(api: SourceClient(client: http, baseURL: base, headers: [("X-Api-Key", key)])).snapshot(history: history)
            }
            let host = URL(string: apiUrl)?.host ?? apiUrl
            try await ImportCommand.write(snapshot, source: "shlink:\(host)", common: common, owner: owner, options: options, bar: ProgressBar())
        }
    }

    struct YOURLS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "yourls", abstract: "Import YOURLS links (yourls_url) and clicks (yourls_log) from a MySQL dump file.")

        @Argument(help: "The dump ('-' reads standard input).") var file: String
        @Flag(inversion: .prefixedNo, help: "Import yourls_log as daily totals.") var history = true
        @OptionGroup var common: Common
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let snapshot = try YOURLSDump.snapshot(try ImportCommand.read(file), history: history)
            let name = file == "-" ? "stdin" : URL(fileURLWithPath: file).lastPathComponent
            try await ImportCommand.write(snapshot, source: "yourls:\(name)", common: common, owner: owner, options: options, bar: ProgressBar())
        }
    }

    struct BitlyCSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bitly-csv", abstract: "Import links from Bitly's CSV link export.")

        @Argument(help: "The file ('-' reads standard input).") var file: String
        @OptionGroup var common: Common
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (snapshot, lines) = try TallyImport.BitlyCSV.snapshot(try ImportCommand.read(file))
            let name = file == "-" ? "stdin" : URL(fileURLWithPath: file).lastPathComponent
            try await ImportCommand.write(
                snapshot, source: "bitly:\(name)", common: common, owner: owner, options: options, bar: ProgressBar(), lines: lines)
        }
    }

    struct CSV: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "csv", abstract: "Import links from a CSV file with a header row (columns: \(CSVSource.columns.joined(separator: ", "))).")

        @Argument(help: "The file ('-' reads standard input).") var file: String
        @OptionGroup var common: Common
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (snapshot, lines) = try CSVSource.snapshot(try ImportCommand.read(file))
            let name = file == "-" ? "stdin" : URL(fileURLWithPath: file).lastPathComponent
            try await ImportCommand.write(
                snapshot, source: "csv:\(name)", common: common, owner: owner, options: options, bar: ProgressBar(), lines: lines)
        }
    }

    struct JSON: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "json", abstract: "Import a ClickTally account export (clicktally export --format json).")

        @Argument(help: "The file ('-' reads standard input).") var file: String
        @Option(help: "Names the export in the import ledger, so two exports of different accounts never match.") var sourceName: String?
        @OptionGroup var common: Common
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let snapshot: AccountSnapshot
            do {
                snapshot = try JSONDecoder().decode(AccountSnapshot.self, from: Data(try ImportCommand.read(file).utf8))
            } catch let error as DecodingError {
                throw CommandFailure(description: "\(file) is not a ClickTally account export: \(ImportCommand.explain(error))")
            }
            let name = sourceName ?? (file == "-" ? "stdin" : URL(fileURLWithPath: file).lastPathComponent)
            try await ImportCommand.write(snapshot, source: "json:\(name)", common: common, owner: owner, options: options, bar: ProgressBar())
        }
    }

    /// An importer's HTTP client for the time `body` reads the source, shut down however it ends.
    static func withHTTPClient<T: Sendable>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let http = SourceClient.makeHTTPClient()
        do {
            let result = try await body(http)
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    static func read(_ file: String) throws -> String {
        if file == "-" { return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure(description: "cannot read \(file)") }
        return String(decoding: data, as: UTF8.self)
    }

    static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "\(context.codingPath.map(\.stringValue).joined(separator: ".")) lacks \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default: "\(error)"
        }
    }

    static func write(
        _ snapshot: AccountSnapshot, source: String, common: Common, owner: OwnerOptions, options: ConfigOptions, bar: ProgressBar,
        lines: [String: Int] = [:]
    ) async throws {
        let summary = try await Runner.admin(options, owner: owner) { admin, database in
            let writer = try await admin.snapshotWriter(
                .init(source: source, dryRun: common.dryRun, overwrite: common.update), database: database,
                progress: { kind, done, total in bar.show(kind, done, total) })
            return try await writer.write(snapshot)
        }
        bar.finish()
        var report = summary.report
        // A CSV row the import refused is named by its line.
        for (key, line) in lines { report = report.replacingOccurrences(of: "datapoint \(key) ", with: "datapoint (line \(line)) \(key) ") }
        print(report)
        if !summary.failures.isEmpty { throw ExitCode(2) }
    }
}

/// One line on standard error that redraws itself when it is a terminal; nothing otherwise (a log stays clean).
final class ProgressBar: Sendable {
    let terminal = isatty(2) == 1

    func show(_ what: String, _ done: Int, _ total: Int?) {
        guard terminal else { return }
        var line = "\r\u{1B}[2K\(what): \(done)"
        if let total, total > 0 {
            let width = 30
            let filled = width * done / total
            line += "/\(total) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
