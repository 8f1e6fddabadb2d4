import SQLKit
import TallyCore

/// Statistics history brought by an import: each entity's totals per hour are kept in `stats_imported` and added to
/// the hourly roll-ups of the entity and its account (what totals, series, summaries and charts read). A second
/// import of the same days replaces the first (only the difference reaches the roll-ups), and rebuilding the roll-ups
/// from the raw hits adds these rows back (`StatsRebuildSQL.importedHourlyStatements`). The per-dimension daily rows
/// behind the top reports (browsers, countries…) are not touched: a source's daily totals say nothing of those.
public struct SQLImportedHistory: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public struct Row: Sendable, Equatable {
        public let entity: StatsEntity
        public let entityID: Int64
        public let hour: Int64
        public let counts: StatsCounts

        public init(entity: StatsEntity, entityID: Int64, hour: Int64, counts: StatsCounts) {
            self.entity = entity
            self.entityID = entityID
            self.hour = hour
            self.counts = counts
        }
    }

    static let replaceSuffix: StaticString = """
        ON CONFLICT (entity_kind, entity_id, hour_ms) DO UPDATE SET clicks = excluded.clicks, views = excluded.views, \
        unique_clicks = excluded.unique_clicks, unique_views = excluded.unique_views, spider_clicks = excluded.spider_clicks, \
        spider_views = excluded.spider_views, conversions = excluded.conversions, unique_conversions = excluded.unique_conversions, \
        converted_clicks = excluded.converted_clicks, conversion_value = excluded.conversion_value, commission = excluded.commission, \
        last_hit_ms = excluded.last_hit_ms
        """

    /// Sets these rows (all of one account) and adds what changed to the roll-ups, in one transaction; the number of
    /// rows that changed.
    @discardableResult
    public func replace(accountID: Int64, _ rows: [Row]) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        return try await database.transaction { db in
            var previous: [StatsRollup.HourKey: StatsCounts] = [:]
            for entity in Set(rows.map(\.entity)) {
                let ids = Array(Set(rows.filter { $0.entity == entity }.map(\.entityID)))
                for chunk in ids.chunked(500) {
                    let found = try await db.select().columns(["entity_id", "hour_ms"] + StatsUpserts.counterColumns.map(\.name))
                        .from("stats_imported").where("entity_kind", .equal, entity.rawValue).where("entity_id", .in, SQLBind.group(Array(chunk)))
                        .all()
                    for row in found {
                        let key = StatsRollup.HourKey(
                            entity: entity, id: try row.decode(column: "entity_id", as: Int64.self),
                            hour: try row.decode(column: "hour_ms", as: Int64.self))
                        previous[key] = try SQLStatsRepository.counts(row)
                    }
                }
            }
            var increments = StatsRollup.Increments()
            var changed: [Row] = []
            for row in rows {
                let old = previous[StatsRollup.HourKey(entity: row.entity, id: row.entityID, hour: row.hour)] ?? StatsCounts()
                guard old != row.counts else { continue }
                changed.append(row)
                let delta = row.counts.minus(old)
                for key in [
                    StatsRollup.HourKey(entity: row.entity, id: row.entityID, hour: row.hour),
                    StatsRollup.HourKey(entity: .account, id: accountID, hour: row.hour),
                ] {
                    increments.hours[key, default: StatsCounts()].add(delta)
                }
            }
            for chunk in changed.chunked(SQLHitRepository.rowsPerStatement) {
                var json = BatchRows(reservingRows: chunk.count, bytesPerRow: 80)
                for row in chunk {
                    json.row { item in
                        item.int(accountID)
                        item.int(Int64(row.entity.rawValue))
                        item.int(row.entityID)
                        item.int(row.hour)
                        StatsUpserts.write(row.counts, .all, to: &item)
                    }
                }
                let columns =
                    [("account_id", JSONRowInsert.ColumnType.bigint), ("entity_kind", .integer), ("entity_id", .bigint), ("hour_ms", .bigint)]
                    + StatsUpserts.counterColumns
                try await db.execute(sql: JSONRowInsert(table: "stats_imported", columns: columns, rows: json, suffix: Self.replaceSuffix)) { _ in }
            }
            try await StatsUpserts.apply(increments, in: db)
            return changed.count
        }
    }
}
