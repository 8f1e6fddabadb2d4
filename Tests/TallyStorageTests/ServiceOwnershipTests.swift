import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// The services the API and the dashboard share decide whose object an id names, once: these tests hold another
/// account's ids and try every door the services open, on both engines, and check the rows afterwards.
@Suite struct ServiceOwnershipTests {
    struct World {
        let database: any TallyDatabase
        let mine: Int64
        let theirs: Int64
        let groups: GroupService
        let tags: TagService
        let conversions: ConversionService
        let lists: AccountListService
        let guests: GuestService
        let mirror: ListMirror
    }

    static func world(_ database: any TallyDatabase) async throws -> World {
        let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
        let theirs = try await database.transaction { db in
            try await db.insert(into: "accounts").columns("name", "created_at").values("Other", 1).returning("id")
                .first(decodingColumn: "id", as: Int64.self)!
        }
        let clock = WallClock.fixed(10_000)
        let listRepository = SQLAccountListRepository(database: database)
        let conversionRepository = SQLConversionRepository(database: database)
        let mirror = ListMirror(
            versions: SQLListVersionRepository(database: database), lists: listRepository, domainRepository: SQLDomainRepository(database: database),
            blacklists: IPBlacklists(),
            extras: LinkExtras(retargeting: SQLRetargetingRepository(database: database), lists: listRepository, conversions: conversionRepository),
            domains: DomainDirectory(systemDomain: defaults.systemDomain))
        try await mirror.loadAll()
        let groups = GroupService(repository: SQLGroupRepository(database: database), clock: clock)
        let keys = KeyService(database: database, hasher: APIKeyHasher(pepper: [UInt8](repeating: 7, count: 32)), clock: clock)
        return World(
            database: database, mine: defaults.accountID, theirs: theirs, groups: groups,
            tags: TagService(repository: SQLTagRepository(database: database)),
            conversions: ConversionService(repository: conversionRepository, lists: mirror, clock: clock),
            lists: AccountListService(repository: listRepository, lists: mirror, clock: clock),
            guests: GuestService(
                repository: SQLGuestRepository(database: database), keys: keys,
                datapoints: SQLDatapointRepository(database: database, anchors: PageAnchors(clock: clock)), groups: groups, clock: clock),
            mirror: mirror)
    }

    /// A link of `account`, written in SQL as another node or an import would, and read back.
    static func link(_ database: any TallyDatabase, account: Int64, name: String) async throws -> Datapoint {
        let id = try await database.transaction { db in
            try await db.raw(
                """
                INSERT INTO datapoints (account_id, domain_id, type, name, title, notes, is_favourite, status, destination_url, redirect_type, \
                created_at, updated_at) VALUES (\(bind: account), (SELECT MIN(id) FROM domains), 0, \(bind: name), '', '', FALSE, 0, \
                'https://example.com/', 302, 1, 1) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int64.self)!
        }
        return try #require(try await SQLDatapointRepository(database: database, anchors: PageAnchors(clock: .fixed(1))).find(id: id))
    }

    @Test(arguments: TestEngine.available)
    func anotherAccountsGroupIsNobodysGroup(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let theirs = try await world.groups.create(accountID: world.theirs, name: "Their campaign")
            #expect(try await world.groups.owned(theirs.id, accountID: world.mine) == nil)
            #expect(try await world.groups.owned(theirs.id, accountID: world.theirs) == theirs)
            var deleted = try await world.groups.create(accountID: world.mine, name: "Gone")
            deleted.isDeleted = true
            _ = try await world.groups.save(deleted)
            #expect(try await world.groups.owned(deleted.id, accountID: world.mine)?.isDeleted == true)
            #expect(try await world.groups.owned(deleted.id, accountID: world.mine, includeDeleted: false) == nil)
            await #expect(throws: ValidationError.self) { try await world.groups.create(accountID: world.mine, name: "   ") }
        }
    }

    /// A tag carries only its own account's datapoints and groups; nothing is written when the target is someone else's.
    @Test(arguments: TestEngine.available)
    func aTagCannotBePutOnAnotherAccountsLinkOrGroup(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let tag = try await world.tags.findOrCreate(accountID: world.mine, name: "mail")
            let theirLink = try await Self.link(database, account: world.theirs, name: "their")
            let theirGroup = try await world.groups.create(accountID: world.theirs, name: "Theirs")
            await #expect(throws: ValidationError(field: "Id", code: "datapoint_unknown", message: "no datapoint \(theirLink.id) in this account")) {
                try await world.tags.set(tag, on: .datapoint(theirLink), attached: true)
            }
            await #expect(throws: ValidationError(field: "Id", code: "group_unknown", message: "no group \(theirGroup.id) in this account")) {
                try await world.tags.set(tag, on: .group(theirGroup), attached: true)
            }
            #expect(try await database.count("datapoint_tags") == 0)
            #expect(try await database.count("group_tags") == 0)
            #expect(try await world.tags.owned(tag.id, accountID: world.theirs) == nil)
            let myLink = try await Self.link(database, account: world.mine, name: "mine")
            try await world.tags.set(tag, on: .datapoint(myLink), attached: true)
            #expect(try await database.count("datapoint_tags") == 1)
        }
    }

    /// Replacing a link's tags by name makes the account's own tags, even when another account has a tag of that name.
    @Test(arguments: TestEngine.available)
    func replacingTagsByNameNeverReachesAnotherAccountsTag(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let theirs = try await world.tags.findOrCreate(accountID: world.theirs, name: "vip")
            let link = try await Self.link(database, account: world.mine, name: "mine")
            let id = link.id
            try await world.tags.replaceTags(of: link, with: [" vip", "mail ", "", "vip"])
            let attached = try #require(try await world.tags.tags(ofDatapoints: [id])[id])
            #expect(Set(attached.map(\.name)) == ["vip", "mail"])
            #expect(!attached.contains { $0.id == theirs.id })
            try await world.tags.replaceTags(of: link, with: ["mail"])
            #expect(try await world.tags.tags(ofDatapoints: [id])[id]?.map(\.name) == ["mail"])
        }
    }

    /// A goal gains only its own account's links; a batch with one foreign id changes nothing at all.
    @Test(arguments: TestEngine.available)
    func aConversionPatchNamingAnotherAccountsLinkChangesNothing(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let goal = try await world.conversions.create(Conversion(id: 0, accountID: world.mine, name: "Sale", createdAt: 0, updatedAt: 0))
            #expect(try await world.conversions.owned(goal.id, accountID: world.theirs) == nil)
            let mine = try await Self.link(database, account: world.mine, name: "mine")
            let theirs = try await Self.link(database, account: world.theirs, name: "theirs")
            let unknown = ValidationError(field: "Id", code: "datapoint_unknown", message: "no datapoint \(theirs.id) in this account")
            await #expect(throws: unknown) {
                try await world.conversions.apply([.init(action: .add, datapoint: mine), .init(action: .add, datapoint: theirs)], to: goal)
            }
            await #expect(throws: unknown) {
                try await world.conversions.apply([.init(action: .add, datapoint: mine, replacing: theirs)], to: goal)
            }
            #expect(try await database.count("conversion_datapoints") == 0)
            try await world.conversions.apply([.init(action: .add, datapoint: mine)], to: goal)
            #expect(try await world.conversions.datapointIDs(of: goal) == [mine.id])
            // Deleting the goal reaches the tracking lists at once: its link stops being one that leads to a goal.
            #expect(world.mirror.extras.leadsToConversions(mine))
            let deleted = try await world.conversions.delete(goal)
            #expect(deleted.isDeleted && !world.mirror.extras.leadsToConversions(mine))
            await #expect(throws: ValidationError(field: "Id", code: "conversion_deleted", message: "a deleted conversion cannot gain datapoints")) {
                try await world.conversions.apply([.init(action: .add, datapoint: mine)], to: deleted)
            }
            try await world.conversions.apply([.init(action: .remove, datapoint: mine)], to: deleted)
            #expect(try await world.conversions.datapointIDs(of: goal).isEmpty, "a deleted goal still loses links")
        }
    }

    /// An entry is removed only from its own account's list; both surfaces store an address in one spelling.
    @Test(arguments: TestEngine.available)
    func listEntriesAreTheAccountsOwnAndStoredInOneSpelling(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let theirs = try await world.lists.block(try #require(IPNetwork("203.0.113.7/32")), accountID: world.theirs)
            #expect(theirs.value == "203.0.113.7")
            #expect(try await world.lists.remove(.ipBlacklist, id: theirs.id, accountID: world.mine) == nil)
            #expect(try await world.lists.entries(.ipBlacklist, accountID: world.theirs).count == 1)
            #expect(world.mirror.blacklists.blocks(accountID: world.theirs, address: try #require(IPAddress("203.0.113.7"))))
            #expect(try await world.lists.remove(.ipBlacklist, id: theirs.id, accountID: world.theirs) == theirs)
            #expect(!world.mirror.blacklists.blocks(accountID: world.theirs, address: try #require(IPAddress("203.0.113.7"))))
            await #expect(throws: ValidationError.self) { try await world.lists.allow(domain: "not a domain", accountID: world.mine) }
        }
    }

    /// A guest always comes with a key: a 100-character user name still gets one (its name clipped), and an actor
    /// that may not make keys leaves no guest behind.
    @Test(arguments: TestEngine.available)
    func aGuestIsNeverLeftWithoutAKey(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let long = String(repeating: "a", count: 100)
            let guest = Guest(id: 0, accountID: world.mine, name: "Ann", email: "ann@example.com", userName: long, createdAt: 0, updatedAt: 0)
            let invited = try await world.guests.invite(guest, by: KeyService.Actor(name: "owner"))
            #expect(invited.key.name.count == 100 && invited.key.guestID == invited.guest.id && invited.fullKey.hasPrefix("ctk_"))
            #expect(try await world.guests.owned(invited.guest.id, accountID: world.theirs) == nil)
            let viewer = KeyService.Actor(name: "viewer", mayManageKeys: false)
            var second = guest
            second.userName = "bob"
            await #expect(throws: KeyAuthorityRefusal.role) { try await world.guests.invite(second, by: viewer) }
            #expect(try await world.guests.list(accountID: world.mine).map(\.userName) == [long])
        }
    }

    /// A guest is shared only what belongs to their account: another account's link or campaign is refused and no grant
    /// is written; the account's own are shared.
    @Test(arguments: TestEngine.available)
    func aGuestIsNeverSharedAnotherAccountsLinkOrCampaign(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let guest = Guest(id: 0, accountID: world.mine, name: "Ann", email: "ann@example.com", userName: "ann", createdAt: 0, updatedAt: 0)
            let invited = try await world.guests.invite(guest, by: KeyService.Actor(name: "owner")).guest
            let theirLink = try await Self.link(database, account: world.theirs, name: "theirs")
            let theirGroup = try await world.groups.create(accountID: world.theirs, name: "Theirs")
            for grant in [
                GuestGrant(entityType: .datapoint, entityID: theirLink.id, verb: .write),
                GuestGrant(entityType: .group, entityID: theirGroup.id, verb: .read),
            ] {
                await #expect(
                    throws: ValidationError(
                        field: "Id", code: "entity_unknown", message: "no \(grant.entityType.rawValue) \(grant.entityID) in this account")
                ) { try await world.guests.setGrant(grant, guestID: invited.id, accountID: invited.accountID, remove: false) }
            }
            #expect(try await world.guests.grants(of: invited).isEmpty)
            let mine = try await Self.link(database, account: world.mine, name: "mine")
            let shared = GuestGrant(entityType: .datapoint, entityID: mine.id, verb: .read)
            try await world.guests.setGrant(shared, guestID: invited.id, accountID: invited.accountID, remove: false)
            #expect(try await world.guests.grants(of: invited) == [shared])
        }
    }
}
