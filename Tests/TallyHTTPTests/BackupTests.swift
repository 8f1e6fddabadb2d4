import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// `clicktally backup` and `restore` on the embedded database: a backup taken while redirects are being recorded
/// holds every hit acknowledged before it began; a restore refuses a database in use, keeps the one it replaces and
/// refuses files that are not whole ClickTally databases.
@Suite struct BackupTests {
    static let sqlite = TestEngine.available.filter { $0 == .sqlite }

    static func path(of location: DatabaseLocation) throws -> String {
        guard case .sqlite(let path) = location else { throw CancellationError() }
        return path
    }

    @Test(arguments: sqlite)
    func aBackupUnderLoadHoldsEveryAcknowledgedHitAndRestores(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            // Durable: a redirect is answered once its hit is committed, so "acknowledged" means "in the database".
            let configuration = try testConfiguration([AppConfiguration.Key.durable: .bool(true)], database: location)
            let server = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            _ = try await server.link("https://example.com", name: "loaded")
            let live = try Self.path(of: location)
            let folder = (live as NSString).deletingLastPathComponent
            let backup = folder + "/backup.sqlite"
            let counted = try await server.application.test(.router) { client in
                var acknowledged = 0
                for _ in 0..<20 {
                    try await client.execute(uri: "/loaded", method: .get) { #expect($0.status == .found) }
                    acknowledged += 1
                }
                // The backup is taken while redirects keep coming.
                let before = acknowledged
                async let copied = SQLiteBackup.backup(database, to: backup)
                for _ in 0..<200 {
                    try await client.execute(uri: "/loaded", method: .get) { #expect($0.status == .found) }
                    acknowledged += 1
                }
                let contents = try await copied
                #expect(contents.hits >= before, "every hit acknowledged before the backup began is in it")
                #expect(contents.hits <= acknowledged)
                #expect(contents.datapoints >= 1)
                // The live database is in use: a restore over it is refused.
                await #expect(throws: ValidationError.self) { _ = try await SQLiteBackup.restore(from: backup, to: live, now: 5) }
                // A second backup into the same file is refused.
                await #expect(throws: ValidationError.self) { _ = try await SQLiteBackup.backup(database, to: backup) }
                return contents.hits
            }
            // Restored into a fresh place, then over an existing database (kept aside).
            let restored = folder + "/restored/clicktally.sqlite"
            try FileManager.default.createDirectory(atPath: folder + "/restored", withIntermediateDirectories: true)
            #expect(try await SQLiteBackup.restore(from: backup, to: restored, now: 7).kept == nil)
            #expect(try await SQLiteBackup.contents(of: restored).hits == counted)
            let (restoredContents, kept) = try await SQLiteBackup.restore(from: backup, to: restored, now: 8)
            #expect(restoredContents.hits == counted)
            #expect(kept == restored + ".before-restore-8")
            #expect(FileManager.default.fileExists(atPath: restored + ".before-restore-8"))
            #expect(try await SQLiteBackup.contents(of: restored).hits == counted)
        }
    }

    @Test(arguments: sqlite)
    func aFileThatIsNotAWholeClickTallyDatabaseIsRefused(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { _, location in
            let folder = (try Self.path(of: location) as NSString).deletingLastPathComponent
            let junk = folder + "/junk.sqlite"
            try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: junk))
            await #expect(throws: (any Error).self) { _ = try await SQLiteBackup.contents(of: junk) }
            await #expect(throws: (any Error).self) { _ = try await SQLiteBackup.restore(from: junk, to: folder + "/target.sqlite", now: 1) }
            #expect(!FileManager.default.fileExists(atPath: folder + "/target.sqlite"))
            let missing = folder + "/missing.sqlite"
            await #expect(throws: ValidationError.self) { _ = try await SQLiteBackup.contents(of: missing) }
            #expect(!FileManager.default.fileExists(atPath: missing), "checking a missing file does not create it")
        }
    }

    /// A lock file the server cannot open (a data folder its user may not write; here a directory in its place, since the
    /// tests run as root) is said as such, not as a restore in progress.
    @Test func anUnopenableLockFileIsNotMistakenForARestore() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("clicktally.sqlite").path
        try FileManager.default.createDirectory(atPath: path + ".lock", withIntermediateDirectories: true)
        do {
            _ = try await SQLiteTallyDatabase.open(path: path, durable: false, logger: testLogger)
            Issue.record("opened without its lock")
        } catch let error as ValidationError {
            #expect(error.code == "database_unwritable" && error.message.contains("Is a directory"), "\(error)")
            #expect(error.message.contains("writable by the server's user"))
        }
    }
}
