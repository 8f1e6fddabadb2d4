import SQLKit
import TallyCore

/// The summaries' ranking in SQL: which datapoints fill one page of a list sorted by a figure over a frame, without
/// reading the datapoints that had no figure (an account's million dormant links are paged by the id index).
extension SQLStatsRepository {
    /// A figure a summary sorts by, as ClickMeter's `sortBy` names it.
    public enum Figure: String, Sendable, CaseIterable {
        case totalClicks = "totalclicks", uniqueClicks = "uniqueclicks", totalViews = "totalviews", uniqueViews = "uniqueviews"
        case spiderHits = "spiderhitscount", conversions = "conversionscount", conversionsValue = "conversionsvalue"
        case commissions = "commissionscost", lastHitDate = "lasthitdate", totalHits = "totalhits"

        var sql: String {
            switch self {
            case .totalClicks: "SUM(clicks)"
            case .uniqueClicks: "SUM(unique_clicks)"
            case .totalViews: "SUM(views)"
            case .uniqueViews: "SUM(unique_views)"
            case .spiderHits: "SUM(spider_clicks + spider_views)"
            case .conversions: "SUM(conversions)"
            case .conversionsValue: "SUM(conversion_value)"
            case .commissions: "SUM(commission)"
            case .lastHitDate: "MAX(last_hit_ms)"
            case .totalHits: "SUM(clicks + views)"
            }
        }
    }

    /// The ids of one page of `query`'s datapoints ranked by `figure` over [from, to): descending, those with the figure
    /// first (largest first, ties by id) and then the rest by id; ascending, the exact reverse.
    public func ranked(
        _ query: DatapointQuery, by figure: Figure, descending: Bool, from: Int64, to: Int64, total: Int, _ window: PageWindow
    ) async throws -> [Int64] {
        let kind = database.kind
        let members = SQLDatapointRepository.predicate(query, kind)
        let scored: SQLQueryString = """
            SELECT entity_id FROM stats_hourly WHERE entity_kind = \(bind: StatsEntity.datapoint.rawValue) \
            AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) AND entity_id IN (SELECT id FROM datapoints WHERE \(members)) \
            GROUP BY entity_id HAVING \(unsafeRaw: figure.sql) > 0
            """
        return try await database.read { db in
            let scoredCount = try await db.raw("SELECT COUNT(*) AS n FROM (\(scored)) AS scored").first(decodingColumn: "n", as: Int.self) ?? 0
            func scoredPage(offset: Int, limit: Int) async throws -> [Int64] {
                guard limit > 0 else { return [] }
                let direction = descending ? "DESC" : "ASC"
                let tie = descending ? "ASC" : "DESC"
                return try await db.raw(
                    "\(scored) ORDER BY \(unsafeRaw: figure.sql) \(unsafeRaw: direction), entity_id \(unsafeRaw: tie) LIMIT \(bind: limit) OFFSET \(bind: offset)"
                ).all(decodingColumn: "entity_id", as: Int64.self)
            }
            func restPage(offset: Int, limit: Int) async throws -> [Int64] {
                guard limit > 0 else { return [] }
                return try await db.raw(
                    """
                    SELECT id FROM datapoints WHERE \(members) AND id NOT IN (\(scored)) \
                    ORDER BY id \(unsafeRaw: descending ? "ASC" : "DESC") LIMIT \(bind: limit) OFFSET \(bind: offset)
                    """
                ).all(decodingColumn: "id", as: Int64.self)
            }
            let end = window.offset + window.limit
            if descending {
                let first = try await scoredPage(offset: window.offset, limit: min(end, scoredCount) - window.offset)
                return first + (try await restPage(offset: max(0, window.offset - scoredCount), limit: window.limit - first.count))
            }
            let restCount = max(0, total - scoredCount)
            let first = try await restPage(offset: window.offset, limit: min(end, restCount) - window.offset)
            return first + (try await scoredPage(offset: max(0, window.offset - restCount), limit: window.limit - first.count))
        }
    }

    /// Sums per group over [from, to) of the datapoints `query` picks (give it the groups in `groupIDs`).
    public func perGroup(_ query: DatapointQuery, from: Int64, to: Int64) async throws -> [Int64: StatsCounts] {
        let kind = database.kind
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT d.group_id AS group_id, \(unsafeRaw: Self.sums) FROM stats_hourly s JOIN datapoints d ON d.id = s.entity_id \
                WHERE s.entity_kind = \(bind: StatsEntity.datapoint.rawValue) AND s.hour_ms >= \(bind: from) AND s.hour_ms < \(bind: to) \
                AND s.entity_id IN (SELECT id FROM datapoints WHERE \(SQLDatapointRepository.predicate(query, kind))) \
                AND d.group_id IS NOT NULL GROUP BY d.group_id
                """
            ).all()
            var result: [Int64: StatsCounts] = [:]
            for row in rows { result[try row.decode(column: "group_id", as: Int64.self)] = try Self.counts(row) }
            return result
        }
    }
}
