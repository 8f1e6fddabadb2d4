import ArgumentParser
import Foundation
import TallyCore
import TallyHTTP
import TallyStorage

/// `clicktally backup FILE`: a consistent copy of the embedded database, taken while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the embedded SQLite database into a new file while the server runs (PostgreSQL: pg_dump, docs/operations.md).")

    @OptionGroup var options: ConfigOptions
    @Argument(help: "The file to write (must not exist).") var file: String

    func run() async throws {
        let configuration = try await options.appConfiguration()
        let file = self.file
        let contents = try await Runner.withDatabase(configuration, logger: makeLogger(configuration)) { database in
            try await Runner.plainly { try await SQLiteBackup.backup(database, to: file) }
        }
        print("Backed up to \(file): schema \(contents.schemaVersion), \(contents.datapoints) datapoints, \(contents.hits) hits")
    }
}

/// `clicktally restore FILE`: a backup put in place of the embedded database, with the server stopped.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place of the embedded SQLite database; stop the server first (the old file is kept beside it).")

    @OptionGroup var options: ConfigOptions
    @Argument(help: "The backup file (written by clicktally backup).") var file: String

    func run() async throws {
        let configuration = try await options.appConfiguration()
        guard case .sqlite(let path) = configuration.database else {
            throw CommandFailure(description: "a PostgreSQL database is restored with pg_restore (docs/operations.md)")
        }
        let file = self.file
        let (contents, kept) = try await Runner.plainly { try await SQLiteBackup.restore(from: file, to: path, now: WallClock.system.now()) }
        print("Restored \(path) from \(file): schema \(contents.schemaVersion), \(contents.datapoints) datapoints, \(contents.hits) hits")
        if let kept { print("The database it replaced is kept at \(kept)") }
    }
}
