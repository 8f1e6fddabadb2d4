import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// The lists each node keeps in memory follow the database through their versions: a refresh with nothing changed
/// reads nothing else, a change (through a repository or by hand in SQL, as another node or the CLI would make it)
/// reloads only that account's list, and every kind of change lands in memory.
@Suite struct ListMirrorTests {
    struct World {
        let database: any TallyDatabase
        let mirror: ListMirror
        let defaults: Bootstrap.Defaults
        let other: Int64
        let lists: SQLAccountListRepository
    }

    static func world(_ database: any TallyDatabase) async throws -> World {
        let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
        let other = try await database.transaction { db in
            try await db.insert(into: "accounts").columns("name", "created_at").values("Other", 1).returning("id")
                .first(decodingColumn: "id", as: Int64.self)!
        }
        let lists = SQLAccountListRepository(database: database)
        let domainRepository = SQLDomainRepository(database: database)
        let mirror = ListMirror(
            versions: SQLListVersionRepository(database: database), lists: lists, domainRepository: domainRepository,
            blacklists: IPBlacklists(),
            extras: LinkExtras(
                retargeting: SQLRetargetingRepository(database: database), lists: lists, conversions: SQLConversionRepository(database: database)),
            domains: DomainDirectory(systemDomain: defaults.systemDomain))
        try await mirror.loadAll()
        return World(database: database, mirror: mirror, defaults: defaults, other: other, lists: lists)
    }

    static let address = IPAddress("203.0.113.9")!

    @Test(arguments: TestEngine.available)
    func aRefreshWithNothingChangedReloadsNothing(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            _ = try await world.lists.add(.ipBlacklist, accountID: world.defaults.accountID, value: "203.0.113.0/24", now: 2)
            #expect(try await world.mirror.refresh() == [ListVersionKey(list: .ipBlacklist, accountID: world.defaults.accountID)])
            #expect(try await world.mirror.refresh() == [], "nothing changed since")
            #expect(world.mirror.blacklists.blocks(accountID: world.defaults.accountID, address: Self.address))
        }
    }

    @Test(arguments: TestEngine.available)
    func aChangeReloadsOnlyItsAccountsList(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            _ = try await world.lists.add(.ipBlacklist, accountID: world.defaults.accountID, value: "203.0.113.9", now: 2)
            try await world.mirror.refresh()
            // Another node (here: SQL by hand) blacklists the address for the other account and whitelists a domain.
            try await database.transaction { db in
                try await db.insert(into: "ip_blacklist").columns("account_id", "ip", "created_at").values(world.other, "203.0.113.9", 3).run()
                try await db.insert(into: "domain_whitelist").columns("account_id", "name", "created_at").values(world.other, "Shop.Example", 3).run()
            }
            let reloaded = try await world.mirror.refresh()
            #expect(
                Set(reloaded) == [
                    ListVersionKey(list: .ipBlacklist, accountID: world.other), ListVersionKey(list: .domainWhitelist, accountID: world.other),
                ])
            #expect(world.mirror.blacklists.blocks(accountID: world.other, address: Self.address))
            #expect(world.mirror.blacklists.blocks(accountID: world.defaults.accountID, address: Self.address), "the other account's list kept")
            #expect(world.mirror.extras.whitelist(accountID: world.other) == ["shop.example"])
            // Removal is a change too.
            try await database.transaction { db in try await db.delete(from: "ip_blacklist").where("account_id", .equal, world.other).run() }
            #expect(try await world.mirror.refresh() == [ListVersionKey(list: .ipBlacklist, accountID: world.other)])
            #expect(!world.mirror.blacklists.blocks(accountID: world.other, address: Self.address))
            #expect(world.mirror.blacklists.blocks(accountID: world.defaults.accountID, address: Self.address))
        }
    }

    @Test(arguments: TestEngine.available)
    func scriptsGoalsLinksAndDomainsFollowTheDatabase(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let account = world.defaults.accountID
            let script = try await SQLRetargetingRepository(database: database).create(
                accountID: account, name: "pixel", script: "<script></script>", now: 2)
            let link = try await SQLDatapointRepository(database: database).create(
                NewDatapoint(
                    accountID: account, domainID: world.defaults.systemDomain.id, type: .trackingLink, name: "l", destinationURL: "https://e.com"),
                now: 2)
            let conversions = SQLConversionRepository(database: database)
            let goal = try await conversions.create(Conversion(id: 0, accountID: account, name: "goal", createdAt: 2, updatedAt: 2), now: 2)
            try await conversions.patch(conversionID: goal.id, datapointID: link.id, action: .add, now: 3)
            let domain = try await SQLDomainRepository(database: database).create(
                accountID: world.other, name: "go.other.example", type: .dedicated, now: 3)
            let reloaded = Set(try await world.mirror.refresh())
            #expect(
                reloaded == [
                    ListVersionKey(list: .retargetingScripts, accountID: account), ListVersionKey(list: .conversionLinks, accountID: account),
                    ListVersionKey(list: .domains, accountID: world.other),
                ])
            #expect(world.mirror.extras.scripts([script.id], accountID: account).map(\.name) == ["pixel"])
            #expect(world.mirror.extras.leadsToConversions(link))
            #expect(world.mirror.domains.domain(forHost: "go.other.example").id == domain.id)
            #expect(world.mirror.domains.domain(forHost: "127.0.0.1:8080").id == world.defaults.systemDomain.id)

            // The goal deleted: its links no longer lead to a conversion. The domain deleted: its host is unknown again.
            var deleted = goal
            deleted.isDeleted = true
            _ = try await conversions.save(deleted, now: 4)
            try await SQLDomainRepository(database: database).delete(id: domain.id)
            #expect(
                Set(try await world.mirror.refresh()) == [
                    ListVersionKey(list: .conversionLinks, accountID: account), ListVersionKey(list: .domains, accountID: world.other),
                ])
            #expect(!world.mirror.extras.leadsToConversions(link))
            #expect(world.mirror.domains.domain(forHost: "go.other.example").id == world.defaults.systemDomain.id)
            #expect(world.mirror.extras.scripts([script.id], accountID: account).count == 1, "unchanged lists kept")
        }
    }

    /// Two refreshes at once (the refresher's and a write's) run one after the other, and both see the change.
    @Test(arguments: TestEngine.available)
    func concurrentRefreshesAgree(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            for index in 0..<20 {
                _ = try await world.lists.add(.ipBlacklist, accountID: world.other, value: "198.51.100.\(index)", now: 2)
                async let first = world.mirror.refresh()
                async let second = world.mirror.refresh()
                _ = try await (first, second)
                #expect(world.mirror.blacklists.blocks(accountID: world.other, address: IPAddress("198.51.100.\(index)")!))
            }
        }
    }
}
