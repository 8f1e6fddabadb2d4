import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct MigrationTests {
    @Test(arguments: TestEngine.available)
    func migratesOnceInOrderAndRecordsEachStep(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, _ in
            let runner = MigrationRunner(database: database)
            let dryRun = try await runner.migrate(dryRun: true, now: 1)
            #expect(dryRun.map(\.version) == Migrations.all.map(\.version))
            #expect(try await runner.appliedVersions().isEmpty)  // a dry run writes nothing

            let applied = try await runner.migrate(now: 1)
            #expect(applied.map(\.version) == Migrations.all.map(\.version))
            #expect(try await runner.appliedVersions() == Migrations.all.map(\.version))
            #expect(try await runner.migrate(now: 2).isEmpty)
            #expect(try await database.count("datapoints") == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func refusesADatabaseNewerThanTheBinary(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            try await database.transaction { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)").run()
            }
            await #expect(throws: MigrationError.schemaNewer(databaseVersion: 999, binaryVersion: Migrations.latestVersion)) {
                try await MigrationRunner(database: database).migrate(now: 3)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aFailingStepLeavesNothingBehind(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, _ in
            let next = Migrations.latestVersion + 1
            let broken = Migration(version: next, name: "broken") { _ in ["CREATE TABLE half_made (id INTEGER)", "THIS IS NOT SQL"] }
            let runner = MigrationRunner(database: database, migrations: Migrations.all + [broken])
            await #expect(throws: (any Error).self) { try await runner.migrate(now: 1) }
            #expect(try await runner.appliedVersions() == Migrations.all.map(\.version))
            let halfMade = try await database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM schema_migrations WHERE version = \(unsafeRaw: String(next))").first(
                    decodingColumn: "n", as: Int.self)
            }
            #expect(halfMade == 0)
            // The table from the failed step was rolled back with it, so the step can run again once fixed.
            let fixed = Migration(version: next, name: "fixed") { _ in ["CREATE TABLE half_made (id INTEGER)"] }
            #expect(try await MigrationRunner(database: database, migrations: Migrations.all + [fixed]).migrate(now: 2).map(\.version) == [next])
        }
    }

    /// Migration 20: SQLite's text index merges every 8 segments (FTS5 keeps the setting in its config table; a link
    /// written after it still finds its way into searches).
    @Test func theTextIndexMergesEveryEightSegments() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, _ in
            let automerge = try await database.read { db in
                try await db.raw("SELECT v FROM datapoints_text_config WHERE k = 'automerge'").first(decodingColumn: "v", as: Int.self)
            }
            #expect(automerge == 8)
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            _ = try await SQLDatapointRepository(database: database).create(
                NewDatapoint(
                    accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: .trackingLink, name: "merged",
                    destinationURL: "https://example.com/"),
                now: 1)
            let found = try await database.read { db in
                try await db.raw("SELECT rowid FROM datapoints_text WHERE datapoints_text MATCH 'erge'").all().count
            }
            #expect(found == 1)
        }
    }
}
