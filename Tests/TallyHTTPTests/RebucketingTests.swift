import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// A time-zone change of a large account re-buckets in the background: other accounts' clicks are recorded while it
/// runs, the account's own clicks of that time are counted once, and the result equals the single-transaction rebuild.
@Suite struct RebucketingTests {
    typealias Stats = StatsAPITests

    /// Holds the re-bucketing after a chosen chunk until the test lets it go.
    actor Gate {
        private var reached: CheckedContinuation<Void, Never>?
        private var released: CheckedContinuation<Void, Never>?
        private var isReached = false
        private var isReleased = false

        func arrive() async {
            isReached = true
            reached?.resume()
            reached = nil
            if !isReleased { await withCheckedContinuation { released = $0 } }
        }

        func waitUntilReached() async {
            if !isReached { await withCheckedContinuation { reached = $0 } }
        }

        func release() {
            isReleased = true
            released?.resume()
            released = nil
        }
    }

    static let history = 20_000
    static let day = LocalTime.dayMilliseconds

    /// 20,000 clicks spread over the 10 days before the test's clock, through the writer's own repository (UTC days).
    static func loadHistory(_ setup: Stats.Setup, link: Int64) async throws {
        let repository = SQLHitRepository(database: setup.database)
        let first = Stats.start - 10 * day
        var hits: [Hit] = []
        for index in 0..<history {
            let time = first + Int64(index) * (10 * day - 600_000) / Int64(history)
            hits.append(Hit(datapointID: link, time: time, kind: .click, ip: "10.\(index % 7).\(index % 200).\(index % 250)"))
        }
        for start in stride(from: 0, to: hits.count, by: 5000) { _ = try await repository.record(Array(hits[start..<min(start + 5000, hits.count)])) }
    }

    static func accountClicks(_ database: any TallyDatabase, _ accountID: Int64) async throws -> Int {
        try await database.read { db in
            try await db.raw(
                """
                SELECT CAST(COALESCE(SUM(clicks), 0) AS BIGINT) AS n FROM stats_daily WHERE entity_kind = \(bind: StatsEntity.account.rawValue) \
                AND entity_id = \(bind: accountID) AND dimension = \(bind: StatsDimension.country.rawValue)
                """
            ).first(decodingColumn: "n", as: Int.self) ?? -1
        }
    }

    @Test(arguments: TestEngine.available)
    func anotherAccountsClicksAreRecordedWhileALargeAccountIsRebucketed(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let account = setup.server.defaults.accountID
            let big = try await setup.server.link("https://example.com/big", name: "big")
            try await Self.loadHistory(setup, link: big.id)
            let other = try await AccountService(database: setup.database, bcryptCost: 4).createUser(
                email: "other@example.com", password: "another long password", now: 1)
            let small = try await setup.server.datapoints.create(
                accountID: other.accountID, domain: setup.server.defaults.systemDomain, .init(destination: "https://example.com/s", name: "small"))
            #expect(try await Self.accountClicks(setup.database, account) == Self.history)
            let gate = Gate()
            await setup.server.rebucketer.setAfterChunk { number in if number == 3 { await gate.arrive() } }
            try await setup.server.application.test(.live) { client in
                // Started directly (the test client has one connection, and the clicks below need it); the API route
                // calls the same `change` and is tested through HTTP in ConversionTrackingTests.
                let rebucketer = setup.server.rebucketer
                async let changed: Void = rebucketer.change(accountID: account, to: "Asia/Tokyo")
                await gate.waitUntilReached()
                // Half-way: the account waits for its re-bucketing, the staging table holds part of its new days.
                #expect(try await setup.database.count("stats_rebuckets", where: "account_id = \(account)") == 1)
                #expect(try await setup.database.count("stats_daily_rebucket") > 0)
                for index in 0..<3 {
                    let answer = try await client.execute(
                        uri: "/small", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "198.51.100.\(index + 1)"])
                    #expect(answer.status == .found)
                }
                // Durable mode answers after the commit: the other account's clicks are in, hits and roll-ups alike.
                #expect(try await setup.database.count("hits", where: "datapoint_id = \(small.id)") == 3)
                #expect(try await Self.accountClicks(setup.database, other.accountID) == 3)
                // The large account's own clicks of this moment are written too, and counted once after the swap.
                #expect(try await client.execute(uri: "/big", method: .get).status == .found)
                #expect(try await setup.database.count("stats_rebuckets", where: "account_id = \(account)") == 1)
                // A second node finds the lease taken and leaves the account alone.
                let second = StatsRebucketer(database: setup.database, clock: setup.clock.wallClock, logger: Logger(label: "second"))
                try await second.runPending()
                #expect(try await setup.database.count("stats_rebuckets", where: "account_id = \(account)") == 1)
                await gate.release()
                try await changed
                let me = try await client.execute(uri: "/v2/account", method: .get, headers: setup.key)
                #expect(try Stats.json(me)["timezonename"] as? String == "Asia/Tokyo")
            }
            #expect(try await setup.database.count("stats_rebuckets") == 0)
            #expect(try await setup.database.count("stats_daily_rebucket") == 0)
            #expect(try await Self.accountClicks(setup.database, account) == Self.history + 1)
            #expect(try await Self.accountClicks(setup.database, other.accountID) == 3)
            // The same rows as the single-transaction rebuild, which locks the tables while it runs.
            let background = try await ConversionTrackingTests.dailyRows(setup.database)
            try await StatsRebuilder(database: setup.database).setTimeZone(
                accountID: account, identifier: "Asia/Tokyo", now: setup.clock.wallClock.now())
            #expect(try await ConversionTrackingTests.dailyRows(setup.database) == background)
            // And Tokyo's days: the first history click (10:00 UTC ten days ago) is on the same local day, at 19:00.
            let tokyo = LocalTime(identifier: "Asia/Tokyo")
            let firstDay = tokyo.day(of: Stats.start - 10 * Self.day)
            #expect(try await setup.database.count("stats_daily", where: "entity_kind = 0 AND entity_id = \(account) AND day < \(firstDay)") == 0)
        }
    }

    /// A node that died mid-way leaves a lease; another node takes the account over once the lease has run out.
    @Test(arguments: TestEngine.available)
    func anotherNodeTakesOverWhenTheLeaseRunsOut(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let account = setup.server.defaults.accountID
            let link = try await setup.server.link("https://example.com/", name: "tz")
            try await Self.loadHistory(setup, link: link.id)
            let utcRows = try await ConversionTrackingTests.dailyRows(setup.database)
            let leaseEnd = setup.clock.wallClock.now() + 60_000
            try await setup.database.transaction { db in
                try await db.update("accounts").set("time_zone", to: "America/New_York").where("id", .equal, account).run()
                try await db.raw(
                    """
                    INSERT INTO stats_rebuckets (account_id, requested_ms, runner, lease_until_ms) \
                    VALUES (\(bind: account), 1, 'a node that died', \(bind: leaseEnd))
                    """
                ).run()
            }
            let node = StatsRebucketer(database: setup.database, clock: setup.clock.wallClock, logger: Logger(label: "takeover"))
            try await node.runPending()
            #expect(try await setup.database.count("stats_rebuckets") == 1)
            #expect(try await ConversionTrackingTests.dailyRows(setup.database) == utcRows)
            setup.clock.advance(minutes: 2)
            try await node.runPending()
            #expect(try await setup.database.count("stats_rebuckets") == 0)
            let rebuilt = try await ConversionTrackingTests.dailyRows(setup.database)
            #expect(rebuilt != utcRows)
            try await StatsRebuilder(database: setup.database).setTimeZone(
                accountID: account, identifier: "America/New_York", now: setup.clock.wallClock.now())
            #expect(try await ConversionTrackingTests.dailyRows(setup.database) == rebuilt)
            #expect(try await Self.accountClicks(setup.database, account) == Self.history)
        }
    }

    /// A node working on a long re-bucketing keeps its 7-second lease alive every 2 seconds (its timer), however long a
    /// chunk takes, so another node does not take the account over while it lives (the one that died is taken over as
    /// soon as its lease runs out: `anotherNodeTakesOverWhenTheLeaseRunsOut`). Mutation: without the heartbeat the
    /// second node takes the account at 7.5 s.
    @Test(arguments: TestEngine.available)
    func aWorkingNodeRenewsItsLeaseWhileItWorks(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let account = setup.server.defaults.accountID
            let link = try await setup.server.link("https://example.com/", name: "beat")
            try await Self.loadHistory(setup, link: link.id)
            let timer = ManualClock()
            let node = StatsRebucketer(database: setup.database, clock: setup.clock.wallClock, timer: timer, logger: Logger(label: "one"))
            let gate = Gate()
            await node.setAfterChunk { number in if number == 1 { await gate.arrive() } }
            func leaseEnd() async throws -> Int64? {
                try await setup.database.read { db in
                    try await db.raw("SELECT lease_until_ms FROM stats_rebuckets WHERE account_id = \(bind: account)").first(
                        decodingColumn: "lease_until_ms", as: Int64.self)
                }
            }
            async let changed: Void = node.change(accountID: account, to: "Europe/Paris")
            await gate.waitUntilReached()
            let second = StatsRebucketer(database: setup.database, clock: setup.clock.wallClock, logger: Logger(label: "two"))
            for _ in 0..<4 {
                // 2.5 s of wall time and one heartbeat: the lease is renewed to 7 s from now each time.
                setup.clock.advance(milliseconds: 2_500)
                let before = try await leaseEnd()
                // Only once the heartbeat sleeps again: a clock moved while it is still renewing would wake nobody.
                await timer.waitUntilSleeping(1)
                timer.advance(by: .seconds(2))
                // The heartbeat renews on its own task: read until it has (at most 30 s of real time: a loaded CI machine).
                var renewed = try await leaseEnd()
                let deadline = ContinuousClock.now + .seconds(30)
                while renewed == before, ContinuousClock.now < deadline {
                    await Task.yield()
                    renewed = try await leaseEnd()
                }
                #expect(renewed == setup.clock.wallClock.now() + 7_000)
                try await second.runPending()
                #expect(try await setup.database.count("stats_rebuckets") == 1)
            }
            // 10 s in all, still the first node's.
            await gate.release()
            try await changed
            #expect(try await setup.database.count("stats_rebuckets") == 0)
        }
    }
}
