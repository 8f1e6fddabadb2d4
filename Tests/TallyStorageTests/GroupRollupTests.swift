import SQLKit
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyStorage

/// A group's hourly rows (`StatsEntity.group`, migration 23) must always be the sums of its datapoints' rows, whatever
/// the datapoints' status: as the writer adds hits, when links move between groups (one at a time through the
/// repository, several in one statement, swapped, taken out of any group, put in one), after a rebuild, over rows
/// written before the migration, and while a writer and a mover race on PostgreSQL.
@Suite struct GroupRollupTests {
    /// 2026-11-29 10:00 UTC.
    static let base: Int64 = LocalTime.dayNumber(year: 2026, month: 11, day: 29) * LocalTime.dayMilliseconds + 10 * 3_600_000

    struct World {
        let database: any TallyDatabase
        let accountID: Int64
        let groups: [Int64]
        let links: [Int64]
        let datapoints: SQLDatapointRepository
        let hits: SQLHitRepository
    }

    /// Two groups of the default account; links 0-2 in the first, 3 in the second, 4 in none, 5 in the first (deleted
    /// later: a group's figures keep its deleted links' hits).
    static func world(_ database: any TallyDatabase) async throws -> World {
        let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: 1)
        let groupRepository = SQLGroupRepository(database: database)
        var groups: [Int64] = []
        for name in ["spring", "autumn"] {
            groups.append(try await groupRepository.create(accountID: defaults.accountID, name: name, notes: "", isFavourite: false, now: 1).id)
        }
        let datapoints = SQLDatapointRepository(database: database)
        var links: [Int64] = []
        for (index, group) in [groups[0], groups[0], groups[0], groups[1], nil, groups[0]].enumerated() {
            let new = NewDatapoint(
                accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: .trackingLink, name: "g\(index)", groupID: group,
                destinationURL: "https://e.com/\(index)")
            links.append(try await datapoints.create(new, now: 1).id)
        }
        return World(
            database: database, accountID: defaults.accountID, groups: groups, links: links, datapoints: datapoints,
            hits: SQLHitRepository(database: database))
    }

    /// `count` hits on each of `links` spread over three hours from `hour`, from a few addresses (some unique, some not).
    static func record(_ world: World, _ links: [Int64], hour: Int64, count: Int = 4) async throws {
        var batch: [Hit] = []
        for link in links {
            for index in 0..<count {
                let time = base + (hour + Int64(index % 3)) * 3_600_000 + Int64(index) * 61_000 + link
                batch.append(Hit(datapointID: link, time: time, kind: .click, ip: "10.0.0.\(index % 3)", userAgent: "Mozilla"))
            }
        }
        _ = try await world.hits.record(batch)
    }

    static let counters = [
        "clicks", "views", "unique_clicks", "unique_views", "spider_clicks", "spider_views", "conversions", "unique_conversions",
        "converted_clicks", "last_hit_ms",
    ]

    /// Each group's rows as stored, and as summed from its datapoints' rows now: (group, hour) -> counters.
    static func groupRows(_ database: any TallyDatabase) async throws -> (stored: [[Int64]: [Int64]], expected: [[Int64]: [Int64]]) {
        try await database.read { db in
            func read(_ sql: SQLQueryString) async throws -> [[Int64]: [Int64]] {
                var result: [[Int64]: [Int64]] = [:]
                for row in try await db.raw(sql).all() {
                    let key = [try row.decode(column: "g", as: Int64.self), try row.decode(column: "hour_ms", as: Int64.self)]
                    result[key] = try counters.map { try row.decode(column: $0, as: Int64.self) }
                }
                return result
            }
            let summed = counters.map { $0 == "last_hit_ms" ? "MAX(h.last_hit_ms) AS last_hit_ms" : "CAST(SUM(h.\($0)) AS BIGINT) AS \($0)" }
            let stored = try await read(
                "SELECT entity_id AS g, hour_ms, \(unsafeRaw: counters.joined(separator: ", ")) FROM stats_hourly WHERE entity_kind = 5")
            let expected = try await read(
                """
                SELECT d.group_id AS g, h.hour_ms AS hour_ms, \(unsafeRaw: summed.joined(separator: ", ")) FROM stats_hourly h \
                JOIN datapoints d ON d.id = h.entity_id WHERE h.entity_kind = 1 AND d.group_id IS NOT NULL GROUP BY d.group_id, h.hour_ms
                """)
            return (stored, expected)
        }
    }

    /// The group rows are their members' sums, and the statistics read from them (`perGroup`, a group's series) equal
    /// those read datapoint by datapoint (a creation bound every datapoint meets keeps the query off the group rows).
    static func check(_ world: World, _ moment: String) async throws {
        let (stored, expected) = try await groupRows(world.database)
        #expect(stored == expected, "\(moment)")
        #expect(!stored.isEmpty, "\(moment)")
        let stats = SQLStatsRepository(database: world.database)
        var whole = DatapointQuery(accountID: world.accountID)
        whole.groupIDs = Set(world.groups)
        #expect(whole.wholeGroups == Set(world.groups))
        var slow = whole
        slow.createdFrom = 0
        #expect(slow.wholeGroups == nil)
        let (from, to) = (base - 3_600_000, base + 30 * 3_600_000)
        #expect(try await stats.perGroup(whole, from: from, to: to) == (try await stats.perGroup(slow, from: from, to: to)), "\(moment)")
        for group in world.groups {
            var one = DatapointQuery(accountID: world.accountID)
            one.groupID = group
            var oneSlow = one
            oneSlow.createdFrom = 0
            let fast = try await stats.hourly(.init(datapoints: one), from: from, to: to)
            let reference = try await stats.hourly(.init(datapoints: oneSlow), from: from, to: to)
            #expect(fast.map(\.hour) == reference.map(\.hour) && fast.map(\.counts) == reference.map(\.counts), "\(moment): group \(group)")
            // Sums per datapoint stay per datapoint, whole group or not.
            let perLink = try await stats.perEntity(.init(datapoints: one), from: from, to: to)
            #expect(perLink == (try await stats.perEntity(.init(datapoints: oneSlow), from: from, to: to)), "\(moment): group \(group)")
        }
    }

    @Test(arguments: TestEngine.available)
    func groupRowsFollowHitsMovesAndRebuilds(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let (a, b) = (world.groups[0], world.groups[1])
            let l = world.links
            try await Self.record(world, l, hour: 0)
            try await Self.record(world, [l[0], l[3]], hour: 2, count: 7)
            try await Self.check(world, "as written")
            try await database.transaction { db in try await db.raw("UPDATE datapoints SET status = 3 WHERE id = \(bind: l[5])").run() }
            try await Self.check(world, "a member deleted")

            // One link moved through the repository (the API's and the dashboard's way), then hits on it count for its new group.
            var moved = try #require(try await world.datapoints.find(id: l[0]))
            moved.groupID = b
            _ = try await world.datapoints.save(moved, now: 2)
            try await Self.check(world, "l0 moved to b")
            try await Self.record(world, [l[0], l[1]], hour: 1)
            try await Self.check(world, "hits after the move")
            // Into a group from none, out of any group, several in one statement, and a swap in one statement.
            var joined = try #require(try await world.datapoints.find(id: l[4]))
            joined.groupID = a
            _ = try await world.datapoints.save(joined, now: 3)
            try await Self.check(world, "l4 joined a")
            var left = try #require(try await world.datapoints.find(id: l[3]))
            left.groupID = nil
            _ = try await world.datapoints.save(left, now: 4)
            try await Self.check(world, "l3 left b")
            try await database.transaction { db in
                try await db.raw("UPDATE datapoints SET group_id = \(bind: b) WHERE id IN (\(bind: l[1]), \(bind: l[2]), \(bind: l[3]))").run()
            }
            try await Self.check(world, "three moved to b in one statement")
            try await database.transaction { db in
                try await db.raw(
                    """
                    UPDATE datapoints SET group_id = CASE WHEN group_id = \(bind: a) THEN \(bind: b) ELSE \(bind: a) END \
                    WHERE id IN (\(bind: l[0]), \(bind: l[4]))
                    """
                ).run()
            }
            try await Self.check(world, "l0 and l4 swapped")
            // Every link gone from a: its rows are gone too, not left at zero.
            try await database.transaction { db in
                try await db.raw("UPDATE datapoints SET group_id = \(bind: b) WHERE group_id = \(bind: a)").run()
            }
            try await Self.check(world, "a emptied")
            #expect(try await database.count("stats_hourly", where: "entity_kind = 5 AND entity_id = \(a)") == 0)
            // A rebuild from the raw hits writes the same rows.
            let before = try await Self.groupRows(database).stored
            _ = try await StatsRebuilder(database: database).rebuildAll(now: Self.base + 40 * 3_600_000)
            #expect(try await Self.groupRows(database).stored == before)
            try await Self.check(world, "after a rebuild")
            if engine == .postgres {
                // The planner has statistics of the rebuilt tables, not of the tables before.
                let analysed = try await database.read { db in
                    try await db.raw(
                        "SELECT COUNT(*) AS n FROM pg_stat_user_tables WHERE relid = 'stats_hourly'::regclass AND last_analyze IS NOT NULL"
                    )
                    .first(decodingColumn: "n", as: Int.self)
                }
                #expect(analysed == 1)
            }
        }
    }

    /// Amounts are summed again from the members left, not subtracted: 0.1 + 0.2 - 0.1 is 0.20000000000000004 in
    /// doubles, and a group of one 0.2 conversion must say 0.2.
    @Test(arguments: TestEngine.available)
    func amountsLeftBehindAreSummedAgain(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let (a, b) = (world.groups[0], world.groups[1])
            var increments = StatsRollup.Increments()
            for (link, value) in [(world.links[1], 0.1), (world.links[2], 0.2)] {
                var counts = StatsCounts()
                counts.conversions = 1
                counts.conversionValue = value
                counts.commission = value * 3
                counts.lastHit = Self.base + link
                increments.hours[.init(entity: .datapoint, id: link, hour: Self.base)] = counts
            }
            let written = increments
            try await database.transaction { db in try await StatsUpserts.apply(written, in: db) }
            // The later hit is link 2's: link 1's last hit is not the group's, so only its amounts call for a new sum.
            try await database.transaction { db in
                try await db.raw("UPDATE datapoints SET group_id = \(bind: b) WHERE id = \(bind: world.links[1])").run()
            }
            func amounts(_ group: Int64) async throws -> [Double] {
                try await database.read { db in
                    let row = try await db.raw(
                        "SELECT conversion_value, commission FROM stats_hourly WHERE entity_kind = 5 AND entity_id = \(bind: group)"
                    ).first()
                    return [
                        try row?.decode(column: "conversion_value", as: Double.self) ?? -1,
                        try row?.decode(column: "commission", as: Double.self) ?? -1,
                    ]
                }
            }
            #expect(try await amounts(a) == [0.2, 0.2 * 3])
            #expect(try await amounts(b) == [0.1, 0.1 * 3])
            try await Self.check(world, "amounts moved")
        }
    }

    /// The writer reads which group a link is in and then adds to that group's rows; a move in between must not leave
    /// the hits in the group the link left. On PostgreSQL they run in separate transactions at once (without
    /// `GroupRollupLock` it found group rows that were not their members' sums in 4 runs of 4); on SQLite one at a time.
    @Test(arguments: TestEngine.available)
    func aWriterAndAMoverRacingLeaveExactSums(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let world = try await Self.world(database)
            let (a, b) = (world.groups[0], world.groups[1])
            let racing = Array(world.links.prefix(4))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for writer in 0..<2 {
                    tasks.addTask {
                        for round in 0..<50 { try await Self.record(world, racing, hour: Int64((round + writer) % 5), count: 30) }
                    }
                }
                tasks.addTask {
                    for _ in 0..<100 {
                        try await database.transaction { db in
                            try await db.raw(
                                """
                                UPDATE datapoints SET group_id = CASE WHEN group_id = \(bind: a) THEN \(bind: b) ELSE \(bind: a) END \
                                WHERE id IN (\(bind: racing[0]), \(bind: racing[3]))
                                """
                            ).run()
                        }
                    }
                }
                try await tasks.waitForAll()
            }
            try await Self.check(world, "after the race")
        }
    }

    /// Rows written before migration 23 are summed into group rows by it, and its trigger moves them afterwards.
    @Test(arguments: TestEngine.available)
    func theMigrationSumsRowsWrittenBeforeIt(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, _ in
            _ = try await MigrationRunner(database: database, migrations: Migrations.all.filter { $0.version <= 22 }).migrate(now: 1)
            let world = try await Self.world(database)
            // Today's writer also asks which accounts have click webhooks (migration 28): the table, empty, as it reads it.
            try await database.transaction { db in
                try await db.raw("CREATE TABLE webhooks (id BIGINT, account_id BIGINT, enabled BOOLEAN, events TEXT)").run()
            }
            try await Self.record(world, world.links, hour: 0)
            // This writer adds group rows already; a writer of version 22 did not.
            try await database.transaction { db in try await db.raw("DELETE FROM stats_hourly WHERE entity_kind = 5").run() }
            #expect(
                try await MigrationRunner(database: database, migrations: Migrations.all.filter { $0.version <= 23 }).migrate(now: 2).map(\.version)
                    == [23])
            try await Self.check(world, "after the migration")
            try await database.transaction { db in
                try await db.raw("UPDATE datapoints SET group_id = \(bind: world.groups[1]) WHERE id = \(bind: world.links[0])").run()
            }
            try await Self.check(world, "a move after the migration")
        }
    }
}
