import Foundation
import Logging
import SQLKit
import TallyCore
import TallyStorage

/// The engines a storage or HTTP test runs on: SQLite always, PostgreSQL when `TEST_POSTGRES_URL` names one
/// (the test script starts a throw-away server and sets it). `CLICKTALLY_TEST_REQUIRE_POSTGRES=1` makes a
/// missing PostgreSQL a failure instead of a silently smaller run.
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static var available: [TestEngine] {
        let environment = ProcessInfo.processInfo.environment
        let wantsPostgres = environment["TEST_POSTGRES_URL"] != nil || environment["CLICKTALLY_TEST_REQUIRE_POSTGRES"] == "1"
        return wantsPostgres ? [.sqlite, .postgres] : [.sqlite]
    }
}

public enum TestDatabaseError: Error, CustomStringConvertible {
    case postgresRequiredButUnset

    public var description: String { "CLICKTALLY_TEST_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set" }
}

public let testLogger: Logger = {
    var logger = Logger(label: "clicktally-test")
    logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return logger
}()

/// Runs `body` with a fresh, empty database of the engine: a new SQLite file, or a new PostgreSQL schema
/// that is dropped afterwards. The database is not migrated; see `withMigratedTestDatabase`.
public func withTestDatabase<T: Sendable>(
    _ engine: TestEngine, _ body: @Sendable (any TallyDatabase, DatabaseLocation) async throws -> T
) async throws -> T {
    switch engine {
    case .sqlite:
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = DatabaseLocation.sqlite(path: folder.appendingPathComponent("test.sqlite").path)
        return try await DatabaseOpener.withDatabase(location, logger: testLogger) { try await body($0, location) }
    case .postgres:
        guard let url = ProcessInfo.processInfo.environment["TEST_POSTGRES_URL"] else { throw TestDatabaseError.postgresRequiredButUnset }
        guard case .postgres(var postgres) = try DatabaseLocation.parse(url: url, dataDirectory: "") else {
            throw TestDatabaseError.postgresRequiredButUnset
        }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await DatabaseOpener.withDatabase(.postgres(postgres), logger: testLogger) { admin in
            try await admin.transaction { try await $0.raw("CREATE SCHEMA \(ident: schema)").run() }
        }
        postgres.searchPath = schema
        let location = DatabaseLocation.postgres(postgres)
        do {
            let result = try await DatabaseOpener.withDatabase(location, logger: testLogger) { try await body($0, location) }
            try await dropSchema(schema, url: url)
            return result
        } catch {
            try? await dropSchema(schema, url: url)
            throw error
        }
    }
}

/// `withTestDatabase` with every migration applied.
public func withMigratedTestDatabase<T: Sendable>(
    _ engine: TestEngine, _ body: @Sendable (any TallyDatabase, DatabaseLocation) async throws -> T
) async throws -> T {
    try await withTestDatabase(engine) { database, location in
        try await MigrationRunner(database: database).migrate(now: 0)
        return try await body(database, location)
    }
}

private func dropSchema(_ schema: String, url: String) async throws {
    let location = try DatabaseLocation.parse(url: url, dataDirectory: "")
    try await DatabaseOpener.withDatabase(location, logger: testLogger) { admin in
        try await admin.transaction { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
    }
}

/// Counting rows, for tests that assert what reached the database.
extension TallyDatabase {
    public func count(_ table: String, where condition: String = "1 = 1") async throws -> Int {
        try await read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(unsafeRaw: condition)")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }
}
