import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// Deep pages of a summary ranked by a figure leave out the datapoints that have the figure in the frame; reading
/// those sums the frame's roll-ups, so `PageAnchors` remembers them for the next pages: for `scoredLifetime`, and never
/// past a change to the account's datapoints. These tests see the remembered set at work (a datapoint that gains its
/// first hit is still in the rest until the lifetime ends) and see it dropped (lifetime, a change, a set too large).
@Suite struct RememberedScoredSetTests {
    struct Setup {
        let database: any TallyDatabase
        let world: DatapointQueryTests.World
        let query: DatapointQuery
        var clicks: [Int64: Int64] = [:]

        /// A first hit in the frame for `id` (its hour's roll-up row), as the hit writer would add it.
        mutating func click(_ id: Int64, _ count: Int64) async throws {
            clicks[id] = count
            try await database.transaction { db in
                try await db.raw(
                    "INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, clicks, views) VALUES (1, \(bind: id), 3600000, \(bind: count), 0)"
                ).run()
            }
        }

        /// The datapoints without clicks, ascending: the rest of a ranking by clicks.
        var rest: [Int64] { world.expected(query).map(\.id).filter { (clicks[$0] ?? 0) == 0 }.sorted() }
        var scoredCount: Int { world.expected(query).filter { (clicks[$0.id] ?? 0) > 0 }.count }

        static func make(_ database: any TallyDatabase) async throws -> Setup {
            let world = try await DatapointQueryTests.World.make(database)
            var setup = Setup(database: database, world: world, query: DatapointQuery(accountID: world.accountID))
            for (index, datapoint) in world.expected(setup.query).enumerated() where index % 3 == 0 {
                try await setup.click(datapoint.id, Int64(index % 7 + 1))
            }
            return setup
        }
    }

    /// A page deep in the rest of the ranking by clicks (descending): it starts after the first datapoint of the rest.
    static func deepPage(_ queries: StatsQueries, _ setup: Setup, scored: Int) async throws -> [Int64] {
        try await queries.ranking(
            setup.query, order: .figure(.totalClicks), descending: true, from: 0, to: 10_000_000, PageWindow(offset: scored + 1, limit: 1_000)
        ).rows.map(\.datapoint.id)
    }

    static func queries(_ database: any TallyDatabase, _ anchors: PageAnchors) -> StatsQueries {
        StatsQueries(
            stats: SQLStatsRepository(database: database),
            datapoints: DatapointQueries(repository: SQLDatapointRepository(database: database, anchors: anchors)))
    }

    @Test(arguments: TestEngine.available)
    func theScoredAreRememberedForTheirLifetimeAndDroppedOnAChange(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            var setup = try await Setup.make(database)
            let time = MovingWallClock(startingAt: 1_000)
            let anchors = PageAnchors(threshold: 1, scoredLifetime: 10_000, clock: time.clock)
            let queries = Self.queries(database, anchors)
            let scored = setup.scoredCount
            let rest = setup.rest
            #expect(scored > 5 && rest.count > 10)
            #expect(try await Self.deepPage(queries, setup, scored: scored) == Array(rest.dropFirst()))

            // A datapoint of the rest gains its first click: within the lifetime the page still counts it in the rest.
            let gained = rest[rest.count / 2]
            try await setup.click(gained, 3)
            time.advance(milliseconds: 9_999)
            #expect(try await Self.deepPage(queries, setup, scored: scored) == Array(rest.dropFirst()))
            // Then the set is read anew: the same position now starts one later in the ranking, without it.
            time.advance(milliseconds: 1)
            #expect(try await Self.deepPage(queries, setup, scored: scored) == setup.rest)
            #expect(!setup.rest.contains(gained))

            // A change to one of the account's datapoints (through the service, `invalidate`) drops it at once.
            let second = setup.rest[setup.rest.count / 3]
            try await setup.click(second, 2)
            anchors.invalidate(accountID: setup.world.accountID)
            #expect(try await Self.deepPage(queries, setup, scored: scored + 1) == setup.rest)
            #expect(!setup.rest.contains(second))
        }
    }

    @Test(arguments: TestEngine.available)
    func aSetLargerThanTheLimitIsReadForEachPage(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            var setup = try await Setup.make(database)
            let scored = setup.scoredCount
            let queries = Self.queries(database, PageAnchors(threshold: 1, scoredLimit: scored - 1, clock: .fixed(1_000)))
            #expect(try await Self.deepPage(queries, setup, scored: scored) == Array(setup.rest.dropFirst()))
            let gained = setup.rest[setup.rest.count / 2]
            try await setup.click(gained, 3)
            // Not remembered (too many), so the new click shows at once.
            #expect(try await Self.deepPage(queries, setup, scored: scored) == setup.rest)
        }
    }
}
