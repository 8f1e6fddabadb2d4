import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// Migration 19 rebuilds SQLite's `stats_hourly` clustered by hour (and re-creates the account index on both engines):
/// the roll-ups written before it are all there after it, an entity's rows and an hour range read the same, and the
/// writer's upsert (`ON CONFLICT (entity_kind, entity_id, hour_ms)`) still adds to the row it names.
@Suite struct StatsClusteringMigrationTests {
    static func rows(_ database: any TallyDatabase, _ condition: SQLQueryString = "1 = 1") async throws -> [[Int64]] {
        try await database.read { db in
            try await db.raw(
                "SELECT entity_kind, entity_id, hour_ms, clicks, views, last_hit_ms FROM stats_hourly WHERE \(condition) ORDER BY 1, 2, 3"
            ).all().map { row in
                try ["entity_kind", "entity_id", "hour_ms", "clicks", "views", "last_hit_ms"].map { try row.decode(column: $0, as: Int64.self) }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func rollUpsSurviveTheRebuildAndTheUpsertStillAdds(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, _ in
            let before = Migrations.all.filter { $0.version < 19 }
            #expect(before.count == 18)
            _ = try await MigrationRunner(database: database, migrations: before).migrate(now: 1)
            // Three kinds, entities out of order, hours spread over two days.
            var written: [[Int64]] = []
            for (index, (kind, entity)) in [(1, 900), (1, 7), (0, 1), (2, 40), (1, 8)].enumerated() {
                for hour in [3, 1, 30] {
                    written.append([
                        Int64(kind), Int64(entity), Int64(hour) * 3_600_000, Int64(index + hour), Int64(hour), Int64(hour) * 3_600_000 + 5,
                    ])
                }
            }
            let rows = written
            try await database.transaction { db in
                for row in rows {
                    try await db.raw(
                        """
                        INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, clicks, views, last_hit_ms) \
                        VALUES (\(bind: row[0]), \(bind: row[1]), \(bind: row[2]), \(bind: row[3]), \(bind: row[4]), \(bind: row[5]))
                        """
                    ).run()
                }
            }
            let applied = try await MigrationRunner(database: database).migrate(now: 2)
            #expect(applied.map(\.version) == Migrations.all.filter { $0.version >= 19 }.map(\.version))
            #expect(try await Self.rows(database) == written.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(try await Self.rows(database, "entity_kind = 1 AND entity_id = 7").map { $0[2] } == [3_600_000, 10_800_000, 108_000_000])
            #expect(try await Self.rows(database, "entity_kind = 1 AND hour_ms >= 3600000 AND hour_ms < 7200000").map { $0[1] } == [7, 8, 900])
            try await database.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, clicks, views, last_hit_ms) VALUES (1, 7, 3600000, 10, 1, 9) \
                    ON CONFLICT (entity_kind, entity_id, hour_ms) DO UPDATE SET clicks = stats_hourly.clicks + excluded.clicks, \
                    views = stats_hourly.views + excluded.views
                    """
                ).run()
            }
            #expect(
                try await Self.rows(database, "entity_kind = 1 AND entity_id = 7 AND hour_ms = 3600000") == [[1, 7, 3_600_000, 12, 2, 3_600_005]])
            #expect(try await Self.rows(database).count == written.count)
        }
    }
}
