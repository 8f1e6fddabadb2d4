import Foundation
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// `SQLDatapointRepository.page` and `count` against a reference model in Swift: every filter, order and window of
/// many generated queries gives the same datapoints in the same order as filtering the whole account in memory.
@Suite struct DatapointQueryTests {
    /// An account of 150 datapoints with every kind of variety the filters read, plus another account's datapoints.
    struct World {
        let database: any TallyDatabase
        let repository: SQLDatapointRepository
        let accountID: Int64
        let groups: [Int64]
        let tags: [(id: Int64, name: String)]
        var datapoints: [Datapoint]
        var tagged: [Int64: Set<Int64>]  // tag id → datapoint ids

        static let titles = ["Spring Sale", "newsletter", "100% off_now", "Quote \"this\"", "Été à Paris", "plain"]

        static func make(_ database: any TallyDatabase) async throws -> World {
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
            let repository = SQLDatapointRepository(database: database)
            let other = try await database.transaction { db in
                try await db.insert(into: "accounts").columns("name", "created_at").values("Other", 1).returning("id")
                    .first(decodingColumn: "id", as: Int64.self)!
            }
            var groups: [Int64] = []
            var tags: [(Int64, String)] = []
            for index in 0..<4 {
                groups.append(
                    try await database.transaction { db in
                        try await db.insert(into: "link_groups").columns("account_id", "name", "created_at", "updated_at")
                            .values(defaults.accountID, "g\(index)", 1, 1).returning("id").first(decodingColumn: "id", as: Int64.self)!
                    })
                let name = ["Blue", "green", "RED"][index % 3] + "\(index)"
                tags.append(
                    (
                        try await database.transaction { db in
                            try await db.insert(into: "tags").columns("account_id", "name").values(defaults.accountID, name).returning("id")
                                .first(decodingColumn: "id", as: Int64.self)!
                        }, name
                    ))
            }
            var datapoints: [Datapoint] = []
            var tagged: [Int64: Set<Int64>] = [:]
            for index in 0..<150 {
                let type: DatapointType = index % 7 == 0 ? .trackingPixel : .trackingLink
                let created = try await repository.create(
                    NewDatapoint(
                        accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: type,
                        name: index % 5 == 0 ? "Name\(149 - index)" : "n\(index)", title: titles[index % titles.count],
                        notes: index % 11 == 0 ? "note about winter" : "",
                        groupID: index % 3 == 0 ? nil : groups[index % 4],
                        destinationURL: type == .trackingPixel ? nil : "https://shop.example.com/p\(index)"),
                    now: 1_000 + Int64(index))
                var datapoint = created
                // Creation times out of id order (as an import brings them), and every status.
                datapoint.createdAt = 5_000 - Int64((index * 37) % 150) * 10
                datapoint.isFavourite = index % 9 == 0
                datapoint.status = DatapointStatus.allCases[(index / 2) % 4]
                let written = datapoint
                try await database.transaction { db in
                    try await db.update("datapoints").set("created_at", to: written.createdAt).set("is_favourite", to: written.isFavourite)
                        .set("status", to: written.status.rawValue).where("id", .equal, written.id).run()
                }
                datapoints.append(datapoint)
                if index % 4 != 3 {
                    let tag = tags[index % tags.count].0
                    try await database.transaction { db in
                        try await db.insert(into: "datapoint_tags").columns("tag_id", "datapoint_id").values(tag, written.id).run()
                    }
                    tagged[tag, default: []].insert(datapoint.id)
                }
            }
            for index in 0..<10 {
                _ = try await repository.create(
                    NewDatapoint(
                        accountID: other, domainID: defaults.systemDomain.id, type: .trackingLink, name: "other\(index)", title: "Spring Sale",
                        destinationURL: "https://shop.example.com/x"),
                    now: 1)
            }
            return World(
                database: database, repository: repository, accountID: defaults.accountID, groups: groups, tags: tags, datapoints: datapoints,
                tagged: tagged)
        }

        /// The reference: the whole account filtered and sorted in memory.
        func expected(_ query: DatapointQuery) -> [Datapoint] {
            let chosen = datapoints.filter { datapoint in
                guard datapoint.accountID == query.accountID, query.visibility.contains(datapoint), query.statuses.contains(datapoint.status)
                else { return false }
                if let type = query.type, datapoint.type != type { return false }
                if let groupID = query.groupID, datapoint.groupID != groupID { return false }
                if let groupIDs = query.groupIDs, !(datapoint.groupID.map(groupIDs.contains) ?? false) { return false }
                if let names = query.tagNames {
                    let lowered = Set(names.map { $0.lowercased() })
                    let ids = tags.filter { lowered.contains($0.name.lowercased()) }.map(\.id)
                    if !ids.contains(where: { tagged[$0]?.contains(datapoint.id) ?? false }) { return false }
                }
                if let tagID = query.tagID, !(tagged[tagID]?.contains(datapoint.id) ?? false) { return false }
                if query.favouritesOnly, !datapoint.isFavourite { return false }
                if let from = query.createdFrom, datapoint.createdAt < from { return false }
                if let to = query.createdTo, datapoint.createdAt > to { return false }
                if let text = query.text?.lowercased(), !text.isEmpty {
                    let fields = [datapoint.name, datapoint.title, datapoint.notes, datapoint.destinationURL ?? ""]
                    if !fields.contains(where: { $0.lowercased().contains(text) }) { return false }
                }
                return true
            }
            let sorted: [Datapoint]
            switch query.sort {
            case .id: sorted = chosen.sorted { $0.id < $1.id }
            case .name: sorted = chosen.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
            case .title: sorted = chosen.sorted { ($0.title.lowercased(), $0.id) < ($1.title.lowercased(), $1.id) }
            case .created: sorted = chosen.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            }
            return query.descending ? sorted.reversed() : sorted
        }
    }

    /// Deterministic pseudo-random queries: a seed picks each filter.
    static func query(_ seed: Int, _ world: World) -> DatapointQuery {
        var random = SplitMix(seed: UInt64(seed))
        var query = DatapointQuery(accountID: world.accountID, sort: DatapointQuery.Sort.allCases[random.next(4)], descending: random.next(2) == 0)
        if random.next(3) == 0 { query.statuses = Set(DatapointStatus.allCases.filter { _ in random.next(2) == 0 }) }
        if random.next(4) == 0 { query.type = random.next(2) == 0 ? .trackingLink : .trackingPixel }
        if random.next(5) == 0 { query.groupID = world.groups[random.next(world.groups.count)] }
        if random.next(6) == 0 { query.groupIDs = Set(world.groups.prefix(1 + random.next(3))) }
        if random.next(6) == 0 { query.tagNames = [world.tags[random.next(world.tags.count)].name.uppercased(), "missing"] }
        if random.next(8) == 0 { query.tagID = world.tags[random.next(world.tags.count)].id }
        if random.next(5) == 0 { query.favouritesOnly = true }
        if random.next(4) == 0 { query.createdFrom = 3_500 + Int64(random.next(1_000)) }
        if random.next(4) == 0 { query.createdTo = 4_000 + Int64(random.next(1_000)) }
        if random.next(3) == 0 {
            query.text = ["spring", "SALE", "0%", "f_n", "\"this\"", "Été", "p1", "n1", "winter", "zz", "e", "shop.example"][random.next(12)]
        }
        switch random.next(6) {
        case 0: query.visibility = DatapointVisibility(groups: Set(world.groups.prefix(2)))
        case 1:
            query.visibility = DatapointVisibility(
                shares: .init(datapoints: Set(world.datapoints.prefix(30).map(\.id)), groups: [world.groups[3]]))
        default: break
        }
        return query
    }

    @Test(arguments: TestEngine.available)
    func everyQueryPagesAndCountsAsTheReference(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await World.make(database)
            var nonEmpty = 0
            for seed in 0..<150 {
                let query = Self.query(seed, world)
                let expected = world.expected(query)
                if !expected.isEmpty { nonEmpty += 1 }
                #expect(try await world.repository.count(query) == expected.count, "count of query \(seed): \(query)")
                // A count that stops (the dashboard's search): exact below the limit, the limit above it.
                for limit in [0, 3, 40] {
                    #expect(try await world.repository.count(query, upTo: limit) == min(expected.count, limit), "count up to \(limit), \(seed)")
                }
                for window in [PageWindow(offset: 0, limit: 1000), PageWindow(offset: 0, limit: 7), PageWindow(offset: 5, limit: 13)] {
                    let page = try await world.repository.page(query, window).map(\.id)
                    let reference = Array(expected.dropFirst(window.offset).prefix(window.limit)).map(\.id)
                    #expect(page == reference, "query \(seed) window \(window): \(query)")
                }
            }
            // The generator reaches real answers, not only empty ones.
            #expect(nonEmpty > 75)
        }
    }

    /// Deep pages started from remembered rows (`PageAnchors`, here from offset 5) give the reference's pages: for
    /// generated queries at every offset, paging through twice, and again after writes through the service.
    @Test(arguments: TestEngine.available)
    func anchoredDeepPagesEqualTheReference(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            var world = try await World.make(database)
            let anchors = PageAnchors(threshold: 5, clock: .fixed(1_000))
            let anchored = SQLDatapointRepository(database: database, anchors: anchors)
            let service = DatapointService(repository: anchored, trackingHosts: { [] }, clock: .fixed(9_000), anchors: anchors)
            for seed in 0..<40 {
                let query = Self.query(seed, world)
                let expected = world.expected(query).map(\.id)
                for _ in 0..<2 {
                    for offset in stride(from: 0, to: expected.count + 8, by: 7) {
                        let page = try await anchored.page(query, PageWindow(offset: offset, limit: 7)).map(\.id)
                        #expect(page == Array(expected.dropFirst(offset).prefix(7)), "query \(seed) offset \(offset)")
                    }
                }
                // A jump back and a repeat use the anchors recorded above.
                let back = min(40, expected.count)
                #expect(try await anchored.page(query, PageWindow(offset: back, limit: 3)).map(\.id) == Array(expected.dropFirst(back).prefix(3)))
            }
            // Writes through the service move positions: the next pages are read afresh, not from stale anchors.
            let everything = DatapointQuery(accountID: world.accountID, statuses: [.active, .paused, .abuse], sort: .name)
            _ = try await anchored.page(everything, PageWindow(offset: 30, limit: 10))
            for index in [0, 2, 4, 6] {
                let id = world.datapoints[index].id
                if world.datapoints[index].status != .deleted {
                    _ = try await service.setStatus(id: id, to: .deleted)
                    world.datapoints[index].status = .deleted
                }
            }
            let expected = world.expected(everything).map(\.id)
            #expect(try await anchored.page(everything, PageWindow(offset: 30, limit: 10)).map(\.id) == Array(expected.dropFirst(30).prefix(10)))
        }
    }

    /// The counters follow every write: creation, status changes, group moves, and rows written by SQL alone.
    @Test(arguments: TestEngine.available)
    func countersFollowEveryWrite(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            var world = try await World.make(database)
            let first = world.datapoints[1]
            _ = try await world.repository.setStatus(id: first.id, to: .deleted, now: 9_000)
            world.datapoints[1].status = .deleted
            var moved = world.datapoints[2]
            moved.groupID = world.groups[0]
            _ = try await world.repository.save(moved, now: 9_000)
            world.datapoints[2].groupID = world.groups[0]
            let fifth = world.datapoints[4].id
            try await database.transaction { db in
                try await db.update("datapoints").set("status", to: DatapointStatus.paused.rawValue).set("group_id", to: SQLLiteral.null)
                    .where("id", .equal, fifth).run()
            }
            world.datapoints[4].status = .paused
            world.datapoints[4].groupID = nil
            for status in DatapointStatus.allCases {
                for type in DatapointType.allCases {
                    for groupID in [nil] + world.groups.map(Optional.some) {
                        var query = DatapointQuery(accountID: world.accountID, statuses: [status])
                        query.type = type
                        query.groupID = groupID
                        #expect(query.isCountedByCounters)
                        #expect(
                            try await world.repository.count(query) == world.expected(query).count, "\(status) \(type) \(String(describing: groupID))"
                        )
                    }
                }
            }
            var limited = DatapointQuery(accountID: world.accountID, visibility: DatapointVisibility(groups: [world.groups[0], world.groups[2]]))
            #expect(try await world.repository.count(limited) == world.expected(limited).count)
            limited.statuses.remove(.deleted)
            limited.groupIDs = Set(world.groups)
            let perGroup = try await world.repository.countsPerGroup(limited)
            for group in world.groups {
                var one = limited
                one.groupIDs = nil
                one.groupID = group
                #expect(perGroup[group, default: 0] == world.expected(one).count)
            }
        }
    }

    /// Text search: at least three characters use the trigram index, fewer read the rows; LIKE's own characters and
    /// quotes are literal; case does not matter.
    @Test(arguments: TestEngine.available)
    func textSearchTakesTheNeedleLiterally(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await World.make(database)
            for (needle, expectation) in [
                ("0% off", 25), ("%", 25), ("_", 25), ("f_n", 25), ("\"this\"", 25), ("QUOTE", 25), ("zz", 0), ("Été à", 25),
            ] {
                var query = DatapointQuery(accountID: world.accountID)
                query.text = needle
                let expected = world.expected(query)
                #expect(expected.count == expectation, "reference for \(needle)")
                #expect(try await world.repository.page(query, PageWindow(offset: 0, limit: 1000)).map(\.id) == expected.map(\.id), "\(needle)")
            }
            // A title edited later is found by its new words and no longer by its old ones (the index follows updates).
            var edited = world.datapoints[5]
            edited.title = "autumn clearance"
            _ = try await world.repository.save(edited, now: 9_000)
            var query = DatapointQuery(accountID: world.accountID)
            query.text = "clearance"
            #expect(try await world.repository.page(query, PageWindow(offset: 0, limit: 10)).map(\.id) == [edited.id])
        }
    }
}

/// `StatsQueries.ranking` against a reference: the summaries' order (figure, then id) for every window across the
/// boundary between datapoints with the figure and those without, both directions, broad and narrow queries; the rest
/// read in SQL (no anchors) and through the list's anchors leaving the scored out (anchors from offset 1, each window
/// read twice so the second read starts from the anchors the first recorded).
@Suite struct SummaryRankingTests {
    @Test(arguments: TestEngine.available)
    func rankedPagesEqualTheReferenceOrder(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await DatapointQueryTests.World.make(database)
            // Clicks in the frame for every third datapoint (some tied), views for others, one row outside the frame.
            var clicks: [Int64: Int64] = [:]
            for (index, datapoint) in world.datapoints.enumerated() where index % 3 == 0 || index % 5 == 0 {
                let count = Int64(index % 3 == 0 ? (index * 7) % 11 + 1 : 0)
                clicks[datapoint.id] = count
                try await database.transaction { db in
                    try await db.raw(
                        """
                        INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, clicks, views) VALUES \
                        (1, \(bind: datapoint.id), 3600000, \(bind: count), 2), (1, \(bind: datapoint.id), 7200000, 0, 1), \
                        (1, \(bind: datapoint.id), 99000000, 50, 50)
                        """
                    ).run()
                }
            }
            let stats = SQLStatsRepository(database: database)
            let plain = StatsQueries(stats: stats, datapoints: DatapointQueries(repository: SQLDatapointRepository(database: database)))
            let anchored = StatsQueries(
                stats: stats, datapoints: DatapointQueries(repository: SQLDatapointRepository(database: database, anchors: PageAnchors(threshold: 1)))
            )
            var broad = DatapointQuery(accountID: world.accountID)
            broad.type = .trackingLink
            var narrow = DatapointQuery(accountID: world.accountID)
            narrow.groupID = world.groups[1]
            for query in [broad, narrow, DatapointQuery(accountID: world.accountID, statuses: [.active, .paused])] {
                let chosen = world.expected(query)
                for descending in [true, false] {
                    let scored = chosen.filter { (clicks[$0.id] ?? 0) > 0 }
                        .sorted { (clicks[$0.id]!, -$0.id) > (clicks[$1.id]!, -$1.id) }.map(\.id)
                    let rest = chosen.filter { (clicks[$0.id] ?? 0) == 0 }.map(\.id).sorted()
                    let reference = descending ? scored + rest : (scored + rest).reversed()
                    for window in [
                        PageWindow(offset: 0, limit: 200), PageWindow(offset: 0, limit: 5), PageWindow(offset: max(0, scored.count - 2), limit: 6),
                        // Across the boundary of the ascending order (the unscored come first), inside the scored, and past the end.
                        PageWindow(offset: max(0, rest.count - 2), limit: 6), PageWindow(offset: rest.count + 1, limit: 3),
                        PageWindow(offset: chosen.count + 3, limit: 5), PageWindow(offset: 1, limit: 1),
                        // Deep in the rest, where the anchored read takes over.
                        PageWindow(offset: scored.count + rest.count / 2, limit: 7), PageWindow(offset: rest.count / 3, limit: 4),
                        PageWindow(offset: chosen.count - 3, limit: 10),
                    ] {
                        for (queries, reads) in [(plain, 1), (anchored, 2)] {
                            for _ in 0..<reads {
                                let page = try await queries.ranking(
                                    query, order: .figure(.totalClicks), descending: descending, from: 0, to: 10_000_000, window)
                                #expect(
                                    page.rows.map(\.datapoint.id) == Array(reference.dropFirst(window.offset).prefix(window.limit)),
                                    "\(query) \(descending) \(window) \(reads)")
                                #expect(page.total == chosen.count)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A small deterministic generator (the test must fail the same way every run).
struct SplitMix {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
