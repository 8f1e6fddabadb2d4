import SQLKit
import TallyCore

/// Adds roll-up increments to `stats_hourly` and `stats_daily`, each batch in a few statements of one bound JSON value.
enum StatsUpserts {
    static let counterColumns: [(name: String, type: JSONRowInsert.ColumnType)] = [
        ("clicks", .bigint), ("views", .bigint), ("unique_clicks", .bigint), ("unique_views", .bigint), ("spider_clicks", .bigint),
        ("spider_views", .bigint), ("conversions", .bigint), ("unique_conversions", .bigint), ("converted_clicks", .bigint),
        ("conversion_value", .double), ("commission", .double), ("last_hit_ms", .bigint),
    ]

    /// The counters a hit can change: a batch of hits writes only these (fewer values to read out of the bound rows).
    /// The same `ON CONFLICT` clauses serve: a column not written is its default, 0, in `excluded`.
    static let hitCounterColumns = Array(counterColumns.prefix(6)) + [counterColumns.last!]

    /// Which counters a write carries: all of them, or a hit batch's.
    enum Counters {
        case all, hits

        var columns: [(name: String, type: JSONRowInsert.ColumnType)] { self == .all ? counterColumns : hitCounterColumns }
    }

    static func write(_ counts: StatsCounts, _ counters: Counters, to row: inout BatchRows) {
        for value in [counts.clicks, counts.views, counts.uniqueClicks, counts.uniqueViews, counts.spiderClicks, counts.spiderViews] {
            row.int(value)
        }
        if counters == .all {
            row.int(counts.conversions)
            row.int(counts.uniqueConversions)
            row.int(counts.convertedClicks)
            row.double(counts.conversionValue)
            row.double(counts.commission)
        }
        row.int(counts.lastHit)
    }

    static let hourlySuffix: StaticString = """
        ON CONFLICT (entity_kind, entity_id, hour_ms) DO UPDATE SET clicks = stats_hourly.clicks + excluded.clicks, \
        views = stats_hourly.views + excluded.views, unique_clicks = stats_hourly.unique_clicks + excluded.unique_clicks, \
        unique_views = stats_hourly.unique_views + excluded.unique_views, spider_clicks = stats_hourly.spider_clicks + excluded.spider_clicks, \
        spider_views = stats_hourly.spider_views + excluded.spider_views, conversions = stats_hourly.conversions + excluded.conversions, \
        unique_conversions = stats_hourly.unique_conversions + excluded.unique_conversions, \
        converted_clicks = stats_hourly.converted_clicks + excluded.converted_clicks, \
        conversion_value = stats_hourly.conversion_value + excluded.conversion_value, commission = stats_hourly.commission + excluded.commission, \
        last_hit_ms = CASE WHEN excluded.last_hit_ms > stats_hourly.last_hit_ms THEN excluded.last_hit_ms ELSE stats_hourly.last_hit_ms END
        """

    static let dailySuffix: StaticString = """
        ON CONFLICT (entity_kind, entity_id, dimension, day, value) DO UPDATE SET clicks = stats_daily.clicks + excluded.clicks, \
        views = stats_daily.views + excluded.views, unique_clicks = stats_daily.unique_clicks + excluded.unique_clicks, \
        unique_views = stats_daily.unique_views + excluded.unique_views, spider_clicks = stats_daily.spider_clicks + excluded.spider_clicks, \
        spider_views = stats_daily.spider_views + excluded.spider_views, conversions = stats_daily.conversions + excluded.conversions, \
        unique_conversions = stats_daily.unique_conversions + excluded.unique_conversions, \
        converted_clicks = stats_daily.converted_clicks + excluded.converted_clicks, \
        conversion_value = stats_daily.conversion_value + excluded.conversion_value, commission = stats_daily.commission + excluded.commission, \
        last_hit_ms = CASE WHEN excluded.last_hit_ms > stats_daily.last_hit_ms THEN excluded.last_hit_ms ELSE stats_daily.last_hit_ms END
        """

    /// Rows go in key order, as the hits do: each index page is touched once. Every roll-up write passes here, so the
    /// account's per-type rows (`StatsEntity.accountLinks`, `.accountPixels`) are added here and stay the sums of its
    /// datapoints' rows: from the datapoints' `owners` (account and type) when the caller read them already, or read now.
    static func apply(
        _ increments: StatsRollup.Increments, in db: any SQLDatabase, owners: [Int64: StatsRollup.Owner]? = nil, counters: Counters = .all
    ) async throws {
        var increments = increments
        if let owners {
            increments.addOwnerTotals(owners)
        } else {
            increments.addOwnerTotals(try await SQLHitRepository.owners(of: increments.datapointIDs, in: db))
        }
        let hours = increments.hours.sorted { ($0.key.entity.rawValue, $0.key.id, $0.key.hour) < ($1.key.entity.rawValue, $1.key.id, $1.key.hour) }
        for chunk in hours.chunked(SQLHitRepository.rowsPerStatement) {
            var rows = BatchRows(BatchInsert.format(for: db), reservingRows: chunk.count, bytesPerRow: 64)
            for (key, counts) in chunk {
                rows.row { row in
                    row.int(Int64(key.entity.rawValue))
                    row.int(key.id)
                    row.int(key.hour)
                    write(counts, counters, to: &row)
                }
            }
            let columns = [("entity_kind", JSONRowInsert.ColumnType.integer), ("entity_id", .bigint), ("hour_ms", .bigint)] + counters.columns
            try await BatchInsert.run(into: "stats_hourly", columns: columns, rows: rows, suffix: hourlySuffix, in: db)
        }
        // Values in byte order, as SQLite's BINARY collation keeps them, and cheaper than `String`'s `<`; every node sorts the
        // same way, so two writers upserting the same rows take their locks in one order (no deadlock on PostgreSQL).
        let days = increments.days.sorted {
            let (a, b) = ($0.key, $1.key)
            if (a.entity, a.id, a.dimension, a.day) != (b.entity, b.id, b.dimension, b.day) {
                return (a.entity.rawValue, a.id, a.dimension.rawValue, a.day) < (b.entity.rawValue, b.id, b.dimension.rawValue, b.day)
            }
            return a.value.utf8.lexicographicallyPrecedes(b.value.utf8)
        }
        for chunk in days.chunked(SQLHitRepository.rowsPerStatement) {
            var rows = BatchRows(BatchInsert.format(for: db), reservingRows: chunk.count, bytesPerRow: 80)
            for (key, counts) in chunk {
                rows.row { row in
                    row.int(Int64(key.entity.rawValue))
                    row.int(key.id)
                    row.int(Int64(key.dimension.rawValue))
                    row.int(key.day)
                    row.string(key.value)
                    write(counts, counters, to: &row)
                }
            }
            let columns =
                [
                    ("entity_kind", JSONRowInsert.ColumnType.integer), ("entity_id", .bigint), ("dimension", .integer), ("day", .bigint),
                    ("value", .text),
                ]
                + counters.columns
            try await BatchInsert.run(into: "stats_daily", columns: columns, rows: rows, suffix: dailySuffix, in: db)
        }
    }
}
