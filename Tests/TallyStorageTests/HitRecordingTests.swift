import SQLKit
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyStorage

@Suite struct HitRecordingTests {
    static func makeLink(_ database: any TallyDatabase, name: String = "abc") async throws -> Datapoint {
        let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
        return try await SQLDatapointRepository(database: database).create(
            NewDatapoint(
                accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: .trackingLink, name: name, destinationURL: "https://e.com"),
            now: 1)
    }

    @Test(arguments: TestEngine.available)
    func recordsHitsUniquenessAndRollupsAcrossBatches(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await Self.makeLink(database)
            let repository = SQLHitRepository(database: database)
            let minute: Int64 = 60_000
            let base: Int64 = 1_700_000_000_000 - 1_700_000_000_000 % 3_600_000
            func hit(_ ip: String, _ at: Int64, bot: Bool = false) -> Hit {
                Hit(
                    datapointID: link.id, time: base + at * minute, kind: .click, ip: ip, userAgent: bot ? "Googlebot" : "Mozilla",
                    spider: bot ? .spider(reason: "ua:bot") : .human)
            }
            let first = try await repository.record([hit("1.1.1.1", 0), hit("1.1.1.1", 1), hit("2.2.2.2", 2), hit("3.3.3.3", 3, bot: true)])
            #expect(first.map(\.isUnique) == [true, false, true, false])
            // A later batch sees the window the first one left in the database.
            let second = try await repository.record([hit("1.1.1.1", 20), hit("2.2.2.2", 40)])
            #expect(second.map(\.isUnique) == [false, true])

            #expect(try await database.count("hits") == 6)
            #expect(try await database.count("hits", where: "is_unique = \(engine == .sqlite ? "1" : "TRUE")") == 3)
            #expect(try await database.count("hits", where: "spider_reason = 'ua:bot'") == 1)
            let rollup = try await database.read { db in
                try await db.raw(
                    "SELECT clicks AS total, unique_clicks AS uniques, spider_clicks AS spiders FROM stats_hourly WHERE entity_kind = 1 AND entity_id = \(bind: link.id)"
                ).all()
            }
            #expect(rollup.count == 1)
            #expect(try rollup[0].decode(column: "total", as: Int64.self) == 6)
            #expect(try rollup[0].decode(column: "uniques", as: Int64.self) == 3)
            #expect(try rollup[0].decode(column: "spiders", as: Int64.self) == 1)
        }
    }

    /// Batches larger than one statement are split; every row must land with its own values.
    @Test(arguments: TestEngine.available)
    func sameShapedStatementsStoreTheirOwnValues(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await Self.makeLink(database)
            let repository = SQLHitRepository(database: database)
            // Two full statements and a remainder, then the same shapes again with other values.
            let perStatement = SQLHitRepository.rowsPerStatement
            let count = 2 * perStatement + 7
            for round in 0..<2 {
                let hits = (0..<count).map { index in
                    Hit(
                        datapointID: link.id, time: Int64(round * count + index), kind: .click, ip: "10.0.\(index / 256).\(index % 256)",
                        userAgent: "ua-\(round)-\(index)")
                }
                _ = try await repository.record(hits)
            }
            #expect(try await database.count("hits") == 2 * count)
            let last = count - 1
            #expect(
                try await database.count(
                    "hits", where: "user_agent = 'ua-1-\(last)' AND time_ms = \(2 * count - 1) AND ip = '10.0.\(last / 256).\(last % 256)'") == 1)
            #expect(
                try await database.count(
                    "hits",
                    where:
                        "user_agent = 'ua-0-\(perStatement)' AND time_ms = \(perStatement) AND ip = '10.0.\(perStatement / 256).\(perStatement % 256)'"
                )
                    == 1)
            let distinct = try await database.read { db in
                try await db.raw("SELECT COUNT(DISTINCT user_agent) AS n FROM hits").first()!.decode(column: "n", as: Int.self)
            }
            #expect(distinct == 2 * count)
        }
    }

    /// Header values are stored exactly as they came (apart from NUL, which PostgreSQL text cannot hold).
    @Test(arguments: TestEngine.available)
    func awkwardTextIsStoredExactly(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await Self.makeLink(database)
            let awkward = "q\"uote \\back\\slash\n\ttab \u{1}\u{1F} é 😀 ' ; DROP TABLE hits; --"
            let hit = Hit(
                datapointID: link.id, time: -5, kind: .view, ip: "2001:db8::1", userAgent: awkward, referrer: "nul\u{0}byte",
                acceptLanguage: "", query: "a=1&b=%22", spider: .spider(reason: "ua:\"x\""))
            _ = try await SQLHitRepository(database: database).record([hit])
            let row = try await database.read { db in
                try await db.raw("SELECT time_ms, kind, user_agent, referrer, accept_language, query, is_spider, spider_reason FROM hits").first()!
            }
            #expect(try row.decode(column: "time_ms", as: Int64.self) == -5)
            #expect(try row.decode(column: "kind", as: Int.self) == HitKind.view.rawValue)
            #expect(try row.decode(column: "user_agent", as: String.self) == awkward)
            #expect(try row.decode(column: "referrer", as: String.self) == "nulbyte")
            #expect(try row.decode(column: "accept_language", as: String.self) == "")
            #expect(try row.decode(column: "query", as: String.self) == "a=1&b=%22")
            #expect(try row.decode(column: "is_spider", as: Bool.self))
            #expect(try row.decode(column: "spider_reason", as: String.self) == "ua:\"x\"")
        }
    }

    @Test(arguments: TestEngine.available)
    func aBatchIsAllOrNothing(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await Self.makeLink(database)
            let repository = SQLHitRepository(database: database)
            // The second hit names a datapoint that does not exist: the foreign key fails the whole batch.
            let hits = [
                Hit(datapointID: link.id, time: 1, kind: .click, ip: "1.1.1.1"), Hit(datapointID: 999_999, time: 2, kind: .click, ip: "1.1.1.1"),
            ]
            await #expect(throws: (any Error).self) { try await repository.record(hits) }
            #expect(try await database.count("hits") == 0)
            #expect(try await database.count("stats_hourly") == 0)
            #expect(try await database.count("stats_daily") == 0)
            #expect(try await database.count("visitor_windows") == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func writerDrainsEverythingOnCloseAndAcknowledgesDurableHits(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await Self.makeLink(database)
            let buffer = HitBuffer(capacity: 8)
            let writer = HitWriter(buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: 3, logger: testLogger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await writer.drain() }
                // More hits than the buffer holds: appends wait for room instead of dropping.
                for index in 0..<50 {
                    try await buffer.append(Hit(datapointID: link.id, time: Int64(index), kind: .click, ip: "9.9.9.\(index)"))
                }
                try await buffer.appendAndWaitForCommit(Hit(datapointID: link.id, time: 99, kind: .click, ip: "8.8.8.8"))
                #expect(try await database.count("hits", where: "ip = '8.8.8.8'") == 1)  // committed before the ack
                buffer.close()
                try await group.waitForAll()
            }
            #expect(try await database.count("hits") == 51)
            await #expect(throws: HitBufferError.closed) { try await buffer.append(Hit(datapointID: link.id, time: 1, kind: .click, ip: "")) }
        }
    }
}

/// What a visitor sends is stored as sent, whichever way the engine takes a batch (PostgreSQL's COPY has its own escapes).
@Suite struct HitTextTests {
    @Test(arguments: TestEngine.available)
    func headersWithTabsNewlinesAndBackslashesAreStoredAsSent(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await HitRecordingTests.makeLink(database)
            let odd = "tab\there, line\nbreak\r, back\\slash \\N, quote \" é 😀"
            _ = try await SQLHitRepository(database: database).record(
                [Hit(datapointID: link.id, time: 1_000, kind: .click, ip: "192.0.2.9", userAgent: odd, referrer: odd, query: "a=\\t&b=\t")])
            let row = try await database.read { db in try await db.raw("SELECT user_agent, referrer, query FROM hits").first() }
            #expect(try row?.decode(column: "user_agent", as: String.self) == odd)
            #expect(try row?.decode(column: "referrer", as: String.self) == odd)
            #expect(try row?.decode(column: "query", as: String.self) == "a=\\t&b=\t")
        }
    }
}

@Suite struct SharedWindowTests {
    /// A node judges from its own memory and rewrites the shared row only when it lags by a minute or more;
    /// a second node (a fresh repository on the same database) still sees the window.
    @Test(arguments: TestEngine.available)
    func sharedCopyIsWrittenLazilyButSeenByOtherNodes(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await HitRecordingTests.makeLink(database)
            let nodeA = SQLHitRepository(database: database)
            func hit(_ seconds: Int64) -> Hit { Hit(datapointID: link.id, time: 1_000_000 + seconds * 1000, kind: .click, ip: "7.7.7.7") }
            func shared() async throws -> Int64? {
                try await database.read { db in
                    try await db.raw("SELECT last_seen_ms FROM visitor_windows").first(decodingColumn: "last_seen_ms", as: Int64.self)
                }
            }
            #expect(try await nodeA.record([hit(0)]).map(\.isUnique) == [true])
            #expect(try await shared() == 1_000_000)
            #expect(try await nodeA.record([hit(30)]).map(\.isUnique) == [false])
            #expect(try await shared() == 1_000_000)  // 30 s behind: not rewritten
            #expect(try await nodeA.record([hit(61)]).map(\.isUnique) == [false])
            #expect(try await shared() == 1_061_000)

            let nodeB = SQLHitRepository(database: database)
            #expect(try await nodeB.record([hit(62)]).map(\.isUnique) == [false])
            // Exactly 30 minutes after node A's last hit, node A counts it unique again.
            #expect(try await nodeA.record([hit(61 + 30 * 60)]).map(\.isUnique) == [true])
        }
    }

    /// The node's memory of windows is bounded: past its capacity it forgets, but only after writing back the windows
    /// the table has older times for, so a hit inside the window of a forgotten visit is still not unique, and one just
    /// past it is.
    @Test(arguments: TestEngine.available)
    func aFullWindowMemoryForgetsNothingTheTableDoesNotKnow(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let link = try await HitRecordingTests.makeLink(database)
            let node = SQLHitRepository(database: database, windowMemory: 3)
            let start: Int64 = 1_700_000_000_000
            func hit(_ ip: String, _ at: Int64) -> Hit { Hit(datapointID: link.id, time: at, kind: .click, ip: ip) }
            #expect(try await node.record([hit("10.0.0.1", start)]).map(\.isUnique) == [true])
            // 30 s later: the shared copy (at `start`) is not rewritten yet; only memory knows this visit.
            #expect(try await node.record([hit("10.0.0.1", start + 30_000)]).map(\.isUnique) == [false])
            // Three new addresses take the memory past its capacity of 3.
            _ = try await node.record([hit("10.0.0.2", start + 31_000), hit("10.0.0.3", start + 31_000), hit("10.0.0.4", start + 31_000)])
            let shared = try await database.read { db in
                try await db.raw("SELECT last_seen_ms FROM visitor_windows WHERE ip = '10.0.0.1'").first(
                    decodingColumn: "last_seen_ms", as: Int64.self)
            }
            #expect(shared == start + 30_000)
            #expect(node.memory.count <= 3)
            // 30 minutes after the first visit but not after the second: not unique; 30 minutes after the second: unique.
            let window = UniqueVisitorWindow.windowMilliseconds
            #expect(try await node.record([hit("10.0.0.1", start + window + 10_000)]).map(\.isUnique) == [false])
            #expect(try await node.record([hit("10.0.0.1", start + 10_000 + 2 * window)]).map(\.isUnique) == [true])
        }
    }

    /// A node that has not seen a window reads it from the shared table, pair by pair: a link and an address each seen
    /// before, but never together, is unique; the looked-up keys run past one statement's worth (5,000).
    @Test(arguments: TestEngine.available)
    func aNewNodeReadsEachWindowByItsPair(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let first = try await HitRecordingTests.makeLink(database, name: "first")
            let second = try await HitRecordingTests.makeLink(database, name: "second")
            let time: Int64 = 1_700_000_000_000
            let seen = (0..<5_001).map { Hit(datapointID: first.id, time: time + Int64($0), kind: .click, ip: "10.0.\($0 / 256).\($0 % 256)") }
            _ = try await SQLHitRepository(database: database).record(
                seen + [Hit(datapointID: second.id, time: time, kind: .click, ip: "2001:db8::7")])

            let nodeB = SQLHitRepository(database: database)
            let later = time + 60_000
            let judged = try await nodeB.record(
                [
                    Hit(datapointID: first.id, time: later, kind: .click, ip: "2001:db8::7"),
                    Hit(datapointID: second.id, time: later, kind: .click, ip: "10.0.0.0"),
                    Hit(datapointID: second.id, time: later, kind: .click, ip: "2001:db8::7"),
                ] + (0..<5_001).map { Hit(datapointID: first.id, time: later, kind: .click, ip: "10.0.\($0 / 256).\($0 % 256)") })
            #expect(judged.prefix(3).map(\.isUnique) == [true, true, false])
            #expect(judged.dropFirst(3).filter(\.isUnique).count == 0)
        }
    }
}
