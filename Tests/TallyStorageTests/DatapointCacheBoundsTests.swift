import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// The link cache holds hot links only: least recently used out first, absent names in a cache of their own (a scan of
/// random names cannot flush the warm set), one indexed lookup per miss, and the refresher reads full rows only for what
/// this node holds.
@Suite struct DatapointCacheBoundsTests {
    /// The real repository, counting what the cache and the refresher ask of it.
    final class Counting: DatapointRepository {
        let base: SQLDatapointRepository
        let lookups = Mutex(0)
        let loadedIDs = Mutex<[Int64]>([])

        init(_ base: SQLDatapointRepository) { self.base = base }

        func create(_ new: NewDatapoint, now: Int64) async throws -> Datapoint { try await base.create(new, now: now) }
        func createMany(_ news: [NewDatapoint], now: Int64) async throws -> [Result<Datapoint, ValidationError>] {
            try await base.createMany(news, now: now)
        }
        func find(id: Int64) async throws -> Datapoint? { try await base.find(id: id) }
        func find(domainID: Int64, name: String) async throws -> Datapoint? {
            lookups.withLock { $0 += 1 }
            return try await base.find(domainID: domainID, name: name)
        }
        func find(ids: [Int64]) async throws -> [Datapoint] {
            loadedIDs.withLock { $0 += ids }
            return try await base.find(ids: ids)
        }
        func list(accountID: Int64, statuses: Set<DatapointStatus>) async throws -> [Datapoint] {
            try await base.list(accountID: accountID, statuses: statuses)
        }
        func save(_ datapoint: Datapoint, now: Int64) async throws -> Datapoint { try await base.save(datapoint, now: now) }
        func rename(id: Int64, domainID: Int64, to name: String, now: Int64) async throws {
            try await base.rename(id: id, domainID: domainID, to: name, now: now)
        }
        func setStatus(id: Int64, to status: DatapointStatus, now: Int64) async throws -> Datapoint? {
            try await base.setStatus(id: id, to: status, now: now)
        }
        func servable(limit: Int) async throws -> [Datapoint] { try await base.servable(limit: limit) }
        func changedNames(since time: Int64) async throws -> [(id: Int64, domainID: Int64, name: String)] {
            try await base.changedNames(since: time)
        }
    }

    static func links(_ database: any TallyDatabase, _ count: Int) async throws -> (domain: Int64, links: [Datapoint]) {
        let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
        let repository = SQLDatapointRepository(database: database)
        var links: [Datapoint] = []
        for index in 0..<count {
            links.append(
                try await repository.create(
                    NewDatapoint(
                        accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: .trackingLink, name: "l\(index)",
                        destinationURL: "https://example.com/\(index)"),
                    now: 1_000))
        }
        return (defaults.systemDomain.id, links)
    }

    static func isFound(_ cache: DatapointCache, _ domain: Int64, _ name: String) -> Bool {
        if case .found = cache.peek(domainID: domain, name: name) { return true }
        return false
    }

    @Test(arguments: TestEngine.available)
    func aScanOfRandomNamesLeavesTheWarmLinksAndTheLeastRecentlyUsedGoesFirst(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let (domain, links) = try await Self.links(database, 4)
            let repository = Counting(SQLDatapointRepository(database: database))
            let cache = DatapointCache(repository: repository, clock: .fixed(5_000), capacity: 3, missingCapacity: 2)
            for name in ["l0", "l1", "l2"] { #expect(try await cache.datapoint(domainID: domain, name: name) != nil) }
            #expect(repository.lookups.withLock { $0 } == 3, "one indexed lookup per miss")
            // A scan of 50 unknown names: each costs one lookup, the absences stay within their own bound…
            for index in 0..<50 { #expect(try await cache.datapoint(domainID: domain, name: "scan\(index)") == nil) }
            #expect(repository.lookups.withLock { $0 } == 53)
            #expect(cache.counts.missing == 2)
            // …and every warm link still answers from memory.
            for name in ["l0", "l1", "l2"] { #expect(Self.isFound(cache, domain, name), "\(name) was flushed by the scan") }
            // The most recent absences are remembered: asking again costs nothing.
            #expect(try await cache.datapoint(domainID: domain, name: "scan49") == nil)
            #expect(repository.lookups.withLock { $0 } == 53)
            // l0 was used last (the peeks above ran l0, l1, l2 in order; now l0 again), so l1 is the oldest and goes.
            _ = cache.peek(domainID: domain, name: "l0")
            #expect(try await cache.datapoint(domainID: domain, name: "l3")?.id == links[3].id)
            #expect(cache.counts.found == 3)
            #expect(!Self.isFound(cache, domain, "l1"))
            for name in ["l0", "l2", "l3"] { #expect(Self.isFound(cache, domain, name)) }
        }
    }

    @Test(arguments: TestEngine.available)
    func theRefresherLoadsOnlyTheRowsThisNodeHolds(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let (domain, links) = try await Self.links(database, 20)
            let repository = Counting(SQLDatapointRepository(database: database))
            let cache = DatapointCache(repository: repository, clock: .fixed(5_000), capacity: 10, missingCapacity: 10)
            _ = try await cache.datapoint(domainID: domain, name: "l3")
            _ = try await cache.datapoint(domainID: domain, name: "later")  // absent now, created below
            let refresher = CacheRefresher(
                cache: cache, datapoints: repository, lists: nil, clock: .fixed(5_000), logger: testLogger)
            // Twenty changed links (all made at 1,000, within the look-back) and one new one: rows only for l3 and "later".
            let created = try await SQLDatapointRepository(database: database).create(
                NewDatapoint(accountID: links[0].accountID, domainID: domain, type: .trackingLink, name: "later", destinationURL: "https://e.com"),
                now: 4_000)
            await refresher.refreshOnce()
            #expect(Set(repository.loadedIDs.withLock { $0 }) == [links[3].id, created.id])
            #expect(try await cache.datapoint(domainID: domain, name: "later")?.id == created.id, "the absence was dropped")
        }
    }
}
