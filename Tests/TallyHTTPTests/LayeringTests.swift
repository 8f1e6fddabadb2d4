import Foundation
import Testing

/// The dashboard and the API's controllers call the services they share (`TallyServices`), never a repository: a
/// page that reads a repository directly is how the dashboard's rules drifted from the API's before (its own group
/// check, a blacklist entry spelled differently, a guest left without a key). Read from the sources, so a new
/// shortcut fails here, not in review.
@Suite struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    static func sources(_ folder: String) throws -> [(name: String, text: String)] {
        let url = root.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { ($0, try String(contentsOf: url.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// Repositories the services wrap: no controller or page may hold one (a nested type such as
    /// `SQLStatsRepository.Scope` is a value, not a door to the database, and stays allowed).
    static let wrapped = [
        "SQLGroupRepository", "SQLTagRepository", "SQLConversionRepository", "SQLStatsRepository", "SQLHitListRepository",
        "SQLAccountListRepository", "SQLGuestRepository", "SQLKeyEventRepository", "SQLDatapointRepository",
    ]

    static func holdsRepository(_ text: String) throws -> [String] {
        let pattern = try Regex("(" + wrapped.joined(separator: "|") + #")(?![\w.])"#)
        return text.matches(of: pattern).map { String(text[$0.range]) }
    }

    @Test func theDashboardReachesNoRepository() throws {
        let files = try Self.sources("Sources/TallyHTTP/Dashboard")
        #expect(files.count >= 15, "the dashboard's sources were not read")
        for file in files {
            #expect(!file.text.contains("repositories"), "\(file.name) reaches TallyServices.repositories")
            #expect(try Self.holdsRepository(file.text).isEmpty, "\(file.name) names a repository a service wraps")
        }
    }

    @Test func theClickMeterControllersHoldNoWrappedRepository() throws {
        let files = try Self.sources("Sources/TallyHTTP/ClickMeter") + Self.sources("Sources/TallyHTTP/API")
        #expect(files.count >= 30, "the controllers' sources were not read")
        // The key middleware reads keys, their failures and a guest's grants before any controller runs: it is the
        // authentication layer, not a controller, and the one place those reads happen.
        let middleware: Set<String> = ["APIKeyMiddleware.swift", "UsageWatch.swift"]
        for file in files where !middleware.contains(file.name) {
            #expect(try Self.holdsRepository(file.text).isEmpty, "\(file.name) holds a repository a service wraps")
        }
    }

    /// The check itself: it catches a stored repository, and lets a nested value type through.
    @Test func theCheckFindsWhatItLooksFor() throws {
        #expect(try Self.holdsRepository("    let groups: SQLGroupRepository\n") == ["SQLGroupRepository"])
        #expect(try Self.holdsRepository("let scope = SQLStatsRepository.Scope(.account, [1])").isEmpty)
    }
}
