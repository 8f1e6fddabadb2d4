import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import TallyCore

/// Backing up and restoring the embedded database (`clicktally backup`, `clicktally restore`). PostgreSQL has its own
/// tools (`pg_dump`, docs/operations.md).
public enum SQLiteBackup {
    /// What a backup file holds, read from it.
    public struct Contents: Sendable, Equatable {
        public let schemaVersion: Int
        public let datapoints: Int
        public let hits: Int
    }

    /// Writes a consistent copy of the database into `path` while it serves: SQLite's `VACUUM INTO` reads in one
    /// transaction, so the copy holds every transaction committed before it began (every hit acknowledged by then) and
    /// nothing half-written, while the server goes on writing. Refuses an existing file.
    public static func backup(_ database: any TallyDatabase, to path: String) async throws -> Contents {
        guard database.kind == .sqlite else {
            throw ValidationError(
                field: "database", code: "backup_postgres", message: "a PostgreSQL database is backed up with pg_dump (docs/operations.md)")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(field: "file", code: "backup_exists", message: "\(path) exists already; name a new file")
        }
        try await database.read { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
        do {
            return try await contents(of: path)
        } catch {
            // Not a ClickTally database (say, a data folder never served): no file that looks like a backup is left.
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// Checks that `path` is a whole ClickTally database this binary can run (SQLite's integrity check, a schema no
    /// newer than its migrations) and says what it holds.
    public static func contents(of path: String) async throws -> Contents {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(field: "file", code: "backup_missing", message: "\(path) does not exist")
        }
        return try await withConnection(path) { db in
            let integrity = try? await db.raw("PRAGMA integrity_check").all(decodingColumn: "integrity_check", as: String.self)
            guard integrity == ["ok"] else {
                throw ValidationError(
                    field: "file", code: "backup_damaged", message: "\(path) is not a whole SQLite database (its integrity check fails)")
            }
            guard
                let version = try? await db.raw("SELECT MAX(version) AS version FROM schema_migrations").first(
                    decodingColumn: "version", as: Int.self)
            else {
                throw ValidationError(field: "file", code: "backup_not_clicktally", message: "\(path) is not a ClickTally database")
            }
            guard version <= Migrations.latestVersion else {
                throw ValidationError(
                    field: "file", code: "backup_newer",
                    message: "\(path) has schema \(version), newer than this binary's \(Migrations.latestVersion)")
            }
            let datapoints = try await db.raw("SELECT COUNT(*) AS n FROM datapoints").first(decodingColumn: "n", as: Int.self) ?? 0
            let hits = try await db.raw("SELECT COUNT(*) AS n FROM hits").first(decodingColumn: "n", as: Int.self) ?? 0
            return Contents(schemaVersion: version, datapoints: datapoints, hits: hits)
        }
    }

    /// Puts the backup at `backup` in place of the database at `target`, which no process may have open (a running
    /// server is refused: `DatabaseFileLock`, held exclusively until the new file is in place). The database it replaces is kept beside it, renamed
    /// `<target>.before-restore-<now>`. Returns what the backup holds (checked by `contents(of:)`) and where the
    /// replaced database went (nil when there was none).
    public static func restore(from backup: String, to target: String, now: Int64) async throws -> (contents: Contents, kept: String?) {
        let contents = try await contents(of: backup)
        guard let lock = try DatabaseFileLock(database: target, .exclusive) else {
            throw ValidationError(field: "database", code: "database_in_use", message: "\(target) is in use; stop the server before restoring")
        }
        defer { withExtendedLifetime(lock) {} }
        var kept: String?
        if FileManager.default.fileExists(atPath: target) {
            // The write-ahead log folded into the file, so the kept copy is whole on its own.
            try await withConnection(target) { db in try await db.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
            let aside = "\(target).before-restore-\(now)"
            try FileManager.default.moveItem(atPath: target, toPath: aside)
            kept = aside
        }
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: target + suffix) {
            try FileManager.default.removeItem(atPath: target + suffix)
        }
        try FileManager.default.copyItem(atPath: backup, toPath: target)
        return (contents, kept)
    }

    /// One connection of its own to `path` (no waiting for locks), closed after `body`.
    static func withConnection<T: Sendable>(_ path: String, _ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        let connection = try await SQLiteConnection.open(
            storage: .file(path: path), threadPool: pool, logger: Logger(label: "clicktally.backup"), on: MultiThreadedEventLoopGroup.singleton.any())
        do {
            let result = try await body(connection.sql())
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
