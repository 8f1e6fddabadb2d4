import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// A datapoint renamed on another node: this node's cache learns of it from `CacheRefresher` (`apply`), and the old
/// name must stop answering here too, not only where the rename was made.
@Suite struct DatapointCacheRenameTests {
    @Test(arguments: TestEngine.available)
    func aRenameSeenFromAnotherNodeDropsTheOldName(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let repository = SQLDatapointRepository(database: database)
            let here = DatapointCache(repository: repository, clock: .fixed(5_000))
            // The other node: its own service and cache over the same database.
            let elsewhere = DatapointService(
                repository: repository, trackingHosts: { [] }, cache: DatapointCache(repository: repository), clock: .fixed(5_000))
            let link = try await elsewhere.create(
                accountID: defaults.accountID, domain: defaults.systemDomain, .init(destination: "https://example.com/", name: "old"))
            let domain = defaults.systemDomain.id
            #expect(try await here.datapoint(domainID: domain, name: "old")?.id == link.id)
            #expect(try await here.datapoint(domainID: domain, name: "new") == nil)  // remembered as missing

            var renamed = link
            renamed.name = "new"
            _ = try await elsewhere.save(renamed, previous: link)
            // What this node's refresher does each second: it sees the change and reloads what it holds.
            let refresher = CacheRefresher(
                cache: here, datapoints: repository, lists: nil, clock: .fixed(5_000), logger: testLogger)
            await refresher.refreshOnce()

            guard case .unknown = here.peek(domainID: domain, name: "old") else {
                Issue.record("the old name is still cached on this node")
                return
            }
            #expect(try await here.datapoint(domainID: domain, name: "old") == nil)
            #expect(try await here.datapoint(domainID: domain, name: "new")?.id == link.id, "the new name's remembered absence is dropped")

            // A rename to a name in use on the domain is refused, and nothing changes.
            _ = try await elsewhere.create(
                accountID: defaults.accountID, domain: defaults.systemDomain, .init(destination: "https://example.com/", name: "busy"))
            var clash = renamed
            clash.name = "busy"
            await #expect(throws: ValidationError.self) { _ = try await elsewhere.save(clash, previous: renamed) }
            #expect(try await repository.find(id: link.id)?.name == "new")
        }
    }
}
