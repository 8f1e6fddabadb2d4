import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// The shared buckets and rotator counters that several nodes lease from (migration 25), on both engines: what a lease
/// grants, how a bucket refills, what restarts it, and that nothing is granted twice when many lease at once.
@Suite struct SharedCounterTests {
    @Test(arguments: TestEngine.available)
    func leasesGrantWhatTheBucketHoldsAndRefillAtItsRate(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let buckets = SQLRateBuckets(database: database)
            let t = Int64(1_000_000)
            // A new bucket starts full: 4 of 10 leave 6.
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 4, now: t) == .init(granted: 4, tokensLeft: 6))
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 4, now: t) == .init(granted: 4, tokensLeft: 2))
            // Only whole tokens are granted: 2 left, 4 asked.
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 4, now: t) == .init(granted: 2, tokensLeft: 0))
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 1, now: t) == .init(granted: 0, tokensLeft: 0))
            // 2 a second: after 750 ms, 1.5 tokens; one is granted, half stays.
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 4, now: t + 750) == .init(granted: 1, tokensLeft: 0.5))
            // A clock behind the bucket's (another node's) refills nothing and takes what is there.
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 1, now: t + 500) == .init(granted: 0, tokensLeft: 0.5))
            // Asking for none only refills and tells.
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 0, now: t + 1_000) == .init(granted: 0, tokensLeft: 1))
            // Never past the burst, however long it waited.
            #expect(try await buckets.lease("k", rate: 2, burst: 10, want: 1, now: t + 3_600_000) == .init(granted: 1, tokensLeft: 9))
            // Changed limits: full again at the new size.
            #expect(try await buckets.lease("k", rate: 5, burst: 20, want: 1, now: t + 3_600_000) == .init(granted: 1, tokensLeft: 19))
            // A full bucket is forgotten; one still refilling is kept.
            _ = try await buckets.lease("spent", rate: 1, burst: 5, want: 5, now: t + 3_600_000)
            #expect(try await buckets.pruneFull(now: t + 3_600_000 + 100) == 0)
            #expect(try await buckets.pruneFull(now: t + 3_600_000 + 5_000) == 2)
            #expect(try await database.count("rate_buckets") == 0)
        }
    }

    /// Fifty leases at once from a bucket of 30: exactly 30 tokens are granted in all.
    @Test(arguments: TestEngine.available)
    func concurrentLeasesNeverGrantMoreThanTheBucketHolds(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let buckets = SQLRateBuckets(database: database)
            _ = try await buckets.lease("busy", rate: 1, burst: 30, want: 0, now: 5_000)
            let granted = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { try await buckets.lease("busy", rate: 1, burst: 30, want: 1, now: 5_000).granted } }
                return try await group.reduce(0, +)
            }
            #expect(granted == 30)
        }
    }

    /// Positions are handed out once each, in blocks as asked, and start again at 0 for a changed rotator.
    @Test(arguments: TestEngine.available)
    func rotatorPositionsAreHandedOutOnceAndRestartWhenChanged(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let positions = SharedRotatorPositions(database: database)
            #expect(try await positions.lease(datapointID: 7, fingerprint: 1, count: 1) == 0)
            #expect(try await positions.lease(datapointID: 7, fingerprint: 1, count: 5) == 1)
            #expect(try await positions.lease(datapointID: 7, fingerprint: 1, count: 1) == 6)
            #expect(try await positions.lease(datapointID: 7, fingerprint: 2, count: 3) == 0)
            #expect(try await positions.lease(datapointID: 7, fingerprint: 2, count: 1) == 3)
            #expect(try await positions.lease(datapointID: 8, fingerprint: 2, count: 1) == 0)
            let starts = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<40 { group.addTask { try await positions.lease(datapointID: 9, fingerprint: 1, count: 1) } }
                return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
            }
            #expect(starts == Set(0..<40))
        }
    }

    /// The cycle of a weighted rotator gives each destination its weight, and its fingerprint changes with any URL or weight.
    @Test func schedulesFollowTheWeightsAndFingerprintTheDestinations() throws {
        let options = LinkOptions(
            mode: .weighted, destinations: [RotatorDestination(url: "https://a/", weight: 70), RotatorDestination(url: "https://b/", weight: 30)])
        let schedule = try #require(RotatorSchedule(options))
        #expect(schedule.cycle.count == 100 && schedule.cycle.filter { $0 == 0 }.count == 70)
        #expect(schedule.index(at: 100) == schedule.index(at: 0) && schedule.index(at: 1_000_001) == schedule.index(at: 1))
        var changed = options
        changed.destinations[1].weight = 31
        #expect(RotatorSchedule(changed)?.fingerprint != schedule.fingerprint)
        changed = options
        changed.destinations[0].url = "https://c/"
        #expect(RotatorSchedule(changed)?.fingerprint != schedule.fingerprint)
        #expect(RotatorSchedule(LinkOptions(mode: .random, destinations: options.destinations)) == nil)
        #expect(RotatorSchedule(LinkOptions(mode: .sequential, destinations: [options.destinations[0]])) == nil)
    }
}
