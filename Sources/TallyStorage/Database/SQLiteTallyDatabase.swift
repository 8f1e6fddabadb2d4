import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO
import Synchronization
import TallyCore

/// SQLite behind the seam: one write connection (transactions serialised by a lock, as SQLite has one
/// writer anyway) and a few read connections, which WAL lets run beside the writer and beside each other.
public final class SQLiteTallyDatabase: TallyDatabase {
    public let kind = DatabaseKind.sqlite
    private let writer: SQLiteConnection
    /// Taken in turn. With one, every cache miss of a cold redirect and every API read queued behind the one before it
    /// on a single thread (p99 76 ms under wrk at a million links); WAL lets readers run at once.
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<UInt>(0)
    private let writeLock = AsyncLock()
    private let logger: Logger
    /// Each connection blocks a thread while SQLite waits for a lock (`busy_timeout`). On NIO's shared pool (one
    /// thread per core) two such waits — another process's writer, a second node in a test — left no thread for the
    /// transaction they waited on to commit, and every database in the process stalled. One thread per connection.
    private let threads: [NIOThreadPool]
    /// Held while open, so that a restore cannot replace the file under it.
    private let fileLock: DatabaseFileLock

    private init(
        writer: SQLiteConnection, readers: [SQLiteConnection], threads: [NIOThreadPool], fileLock: DatabaseFileLock, logger: Logger
    ) {
        self.fileLock = fileLock
        self.writer = writer
        self.readers = readers
        self.threads = threads
        self.logger = logger
    }

    /// Opens (creating the file and its folder when missing) the database at `path`.
    /// - Parameter durable: fsync every commit (`synchronous=FULL`), so even power loss keeps acknowledged hits.
    /// - Parameter readers: read connections, each on a thread of its own (default: one per core, at least 2, at most 4).
    public static func open(
        path: String, durable: Bool, readers readerCount: Int = min(4, max(2, System.coreCount)), logger: Logger
    ) async throws -> SQLiteTallyDatabase {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        guard let fileLock = try DatabaseFileLock(database: path, .shared) else {
            throw ValidationError(field: "database", code: "database_restoring", message: "\(path) is being restored; start again when it is done")
        }
        let threads = (0...max(1, readerCount)).map { _ in NIOThreadPool(numberOfThreads: 1) }
        threads.forEach { $0.start() }
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let writer = try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads[0], logger: logger, on: loop)
        let sql = writer.sql()
        try await sql.raw("PRAGMA busy_timeout = 10000").run()
        try await sql.raw("PRAGMA journal_mode = WAL").run()
        // NORMAL in WAL mode survives a killed process (the OS has the pages); FULL also survives power loss.
        try await sql.raw(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").run()
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        // Hits touch index pages all over the file; a larger page cache and rarer checkpoints write each
        // hot page once per checkpoint instead of once per batch (measured: about half the cost per hit). 32 MiB, not
        // the 64 it was: the roll-ups now append by hour (migration 19), and the cache's 64 MiB were a quarter of the
        // peak memory under a cold million-link load (docs/benchmarks.md); with 32 that load's redirect rate, which
        // shares both cores with the writer, stayed the same within this machine's noise.
        try await sql.raw("PRAGMA cache_size = -32768").run()
        try await sql.raw("PRAGMA wal_autocheckpoint = 10000").run()
        var readers: [SQLiteConnection] = []
        for pool in threads.dropFirst() {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger, on: loop)
            try await reader.sql().raw("PRAGMA busy_timeout = 10000").run()
            readers.append(reader)
        }
        return SQLiteTallyDatabase(writer: writer, readers: readers, threads: threads, fileLock: fileLock, logger: logger)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let turn = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await body(readers[Int(turn % UInt(readers.count))].sql())
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            let sql = writer.sql()
            try await begin(sql)
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                do {
                    try await sql.raw("ROLLBACK").run()
                } catch let rollbackError {
                    // SQLite may already have rolled back on its own (e.g. after SQLITE_FULL); anything else
                    // leaves the transaction open, which `begin` repairs on the next use.
                    logger.warning(
                        "rollback failed", metadata: ["error": "\(rollbackError)", "cause": "\(String(reflecting: error))"])
                }
                throw error
            }
        }
    }

    /// IMMEDIATE takes the write lock up front, so a second process (the CLI) waits instead of failing mid-way.
    /// A transaction still open here was abandoned by a failed caller that already got its error (so nothing in
    /// it was acknowledged); rolling it back keeps one failure from wedging every later write.
    private func begin(_ sql: any SQLDatabase) async throws {
        do {
            try await sql.raw("BEGIN IMMEDIATE").run()
        } catch let error as SQLiteError where error.message.contains("within a transaction") {
            logger.error("write connection was left inside a transaction; rolling it back")
            try await sql.raw("ROLLBACK").run()
            try await sql.raw("BEGIN IMMEDIATE").run()
        }
    }

    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    public func close() async {
        for reader in readers { try? await reader.close() }
        try? await writer.close()
        for pool in threads { try? await pool.shutdownGracefully() }
    }
}
