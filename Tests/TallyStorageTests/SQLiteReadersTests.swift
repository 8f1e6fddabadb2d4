import Foundation
import Logging
import SQLKit
import Testing

@testable import TallyStorage

/// SQLite's reads go to several connections in turn (WAL lets them run beside each other and the writer): every
/// one of them must see each commit at once, and many reads at the same time must all get their own answers.
@Suite struct SQLiteReadersTests {
    func withDatabase(readers: Int, _ body: (SQLiteTallyDatabase) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await SQLiteTallyDatabase.open(
            path: folder.appendingPathComponent("t.sqlite").path, durable: false, readers: readers, logger: Logger(label: "test"))
        do {
            try await database.transaction { db in
                try await db.raw("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)").run()
                try await db.raw("INSERT INTO counter (id, value) VALUES (1, 0)").run()
            }
            try await body(database)
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }

    struct Row: Decodable { let value: Int }

    func value(_ database: SQLiteTallyDatabase) async throws -> Int? {
        try await database.read { db in try await db.raw("SELECT value FROM counter WHERE id = 1").first(decoding: Row.self)?.value }
    }

    @Test func everyReaderSeesEachCommitAtOnce() async throws {
        try await withDatabase(readers: 3) { database in
            for expected in 1...5 {
                try await database.transaction { db in try await db.raw("UPDATE counter SET value = \(bind: expected)").run() }
                // Six reads go round the three readers twice: none may answer from an older snapshot.
                for _ in 0..<6 { #expect(try await value(database) == expected) }
            }
        }
    }

    /// A TEMP table belongs to the connection that made it: marking each connection a read lands on, and counting the
    /// reads that found no mark, counts the connections the reads went to.
    @Test func readsGoRoundEveryConnection() async throws {
        for readers in [1, 3] {
            try await withDatabase(readers: readers) { database in
                var unmarked = 0
                for _ in 0..<(readers * 4) {
                    let fresh = try await database.read { db in
                        let marked = try await db.raw("SELECT name FROM sqlite_temp_master WHERE name = 'mark'").first() != nil
                        if !marked { try await db.raw("CREATE TEMP TABLE mark (x INTEGER)").run() }
                        return !marked
                    }
                    if fresh { unmarked += 1 }
                }
                #expect(unmarked == readers, "\(readers) read connections, but reads found \(unmarked) unmarked ones")
            }
        }
    }

    @Test func manyReadsAtOnceEachGetTheirOwnAnswer() async throws {
        try await withDatabase(readers: 2) { database in
            let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                for n in 0..<300 {
                    group.addTask {
                        let echoed = try await database.read { db in
                            try await db.raw("SELECT \(bind: n) + value AS value FROM counter").first(decoding: Row.self)?.value
                        }
                        return (n, echoed ?? -1)
                    }
                }
                return try await group.reduce(into: [(Int, Int)]()) { $0.append($1) }
            }
            #expect(answers.count == 300)
            #expect(answers.allSatisfy { $0.0 == $0.1 })
        }
    }

    @Test func oneReaderStillWorks() async throws {
        try await withDatabase(readers: 1) { database in
            let read = try await value(database)
            #expect(read == 0)
        }
    }
}
