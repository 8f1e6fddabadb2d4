import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// `CacheRefresher.run`'s polls: each reads from a second before the previous one (a change is seen within about a
/// second), and every tenth reads from 10 seconds before the previous tenth (a commit stamped earlier than the regular
/// overlap, as a slow transaction or a node whose clock is behind makes, is still seen, later).
@Suite struct CacheRefresherPollTests {
    @Test(arguments: TestEngine.available)
    func aLateCommitIsSeenByTheWholeLookBack(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let domain = defaults.systemDomain.id
            let repository = SQLDatapointRepository(database: database)
            // The cache's own clock stands still, so its remembered absences never expire during the test.
            let cache = DatapointCache(repository: repository, clock: .fixed(0))
            for name in ["quick", "late", "tooLate"] { #expect(try await cache.datapoint(domainID: domain, name: name) == nil) }
            let timer = ManualClock()
            let start: Int64 = 100_000
            let wall = WallClock { start + timer.now.offset.components.seconds * 1000 }
            let refresher = CacheRefresher(cache: cache, datapoints: repository, lists: nil, clock: wall, timer: timer, logger: testLogger)
            let running = Task { try await refresher.run() }
            defer { running.cancel() }
            func poll() async {
                await timer.waitUntilSleeping(1)
                timer.advance(by: .seconds(1))
                await timer.waitUntilSleeping(1)  // the poll is done when the loop sleeps again
            }
            func create(_ name: String, stampedAt time: Int64) async throws {
                _ = try await repository.create(
                    NewDatapoint(accountID: defaults.accountID, domainID: domain, type: .trackingLink, name: name, destinationURL: "https://e.com"),
                    now: time)
            }
            func remembersAbsent(_ name: String) -> Bool {
                if case .absent = cache.peek(domainID: domain, name: name) { return true }
                return false
            }

            await poll()  // poll 1 (at 101 s) reads the whole look-back
            // Committed now, stamped now; and committed now but stamped 3 s ago, past the regular poll's overlap.
            try await create("quick", stampedAt: wall.now())
            try await create("late", stampedAt: wall.now() - 3_000)
            await poll()  // poll 2 reads from 100 s
            #expect(!remembersAbsent("quick"), "seen by the next poll")
            #expect(remembersAbsent("late"), "a regular poll reads only from a second before the previous one")
            // Stamped 11 s before the first poll: more than the look-back, never seen (the bound the design sets).
            try await create("tooLate", stampedAt: 90_000)
            for _ in 3...9 { await poll() }
            #expect(remembersAbsent("late"), "polls 3-9 are regular ones")
            await poll()  // poll 10 (at 110 s) reads from 91 s: 10 s before poll 1
            #expect(!remembersAbsent("late"), "the tenth poll reads the look-back")
            #expect(remembersAbsent("tooLate"))
            #expect(try await cache.datapoint(domainID: domain, name: "late") != nil)
        }
    }
}
