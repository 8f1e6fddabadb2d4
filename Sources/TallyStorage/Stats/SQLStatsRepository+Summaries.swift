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

        /// The same figure of counts already summed (summaries of lists short enough to rank in memory).
        public func value(_ counts: StatsCounts) -> Double {
            switch self {
            case .totalClicks: Double(counts.clicks)
            case .uniqueClicks: Double(counts.uniqueClicks)
            case .totalViews: Double(counts.views)
            case .uniqueViews: Double(counts.uniqueViews)
            case .spiderHits: Double(counts.spiders)
            case .conversions: Double(counts.conversions)
            case .conversionsValue: counts.conversionValue
            case .commissions: counts.commission
            case .lastHitDate: Double(counts.lastHit)
            case .totalHits: Double(counts.hits)
            }
        }
    }

    /// The ids of one page of `query`'s datapoints ranked by `figure` over [from, to): descending, those with the figure
    /// first (largest first, ties by id) and then the rest by id; ascending, the exact reverse. The figures come from one
    /// read of the frame's roll-ups (only datapoints with hits in it have rows); the rest are paged by the id index.
    public func ranked(
        _ query: DatapointQuery, by figure: Figure, descending: Bool, from: Int64, to: Int64, total: Int, _ window: PageWindow
    ) async throws -> [Int64] {
        let kind = database.kind
        let source = perDatapointSource(query)
        return try await database.read { db in
            // Per datapoint first (one pass over the frame's rows), then each datapoint checked against the query once
            // (`CROSS JOIN` keeps that order on SQLite, which would otherwise walk the account's datapoints).
            let figures: SQLQueryString = """
                SELECT entity_id, CAST(\(unsafeRaw: figure.sql) AS DOUBLE PRECISION) AS figure FROM \(source) \
                AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY entity_id HAVING \(unsafeRaw: figure.sql) > 0
                """
            let rows = try await db.raw(
                """
                SELECT figures.entity_id AS entity_id, figures.figure AS figure FROM (\(figures)) AS figures \
                CROSS JOIN datapoints WHERE datapoints.id = figures.entity_id AND \(SQLDatapointRepository.predicate(query, kind))
                """
            ).all()
            var scored = try rows.map {
                (id: try $0.decode(column: "entity_id", as: Int64.self), value: try $0.decode(column: "figure", as: Double.self))
            }
            scored.sort { descending ? ($0.value, -$0.id) > ($1.value, -$1.id) : ($0.value, -$0.id) < ($1.value, -$1.id) }
            let scoredIDs = scored.map(\.id)
            let excluded = jsonIDs(scoredIDs)
            func restPage(offset: Int, limit: Int) async throws -> [Int64] {
                guard limit > 0 else { return [] }
                return try await db.raw(
                    """
                    SELECT id FROM datapoints WHERE \(SQLDatapointRepository.predicate(query, kind)) AND id NOT IN (\(excluded)) \
                    ORDER BY id \(unsafeRaw: descending ? "ASC" : "DESC") LIMIT \(bind: limit) OFFSET \(bind: offset)
                    """
                ).all(decodingColumn: "id", as: Int64.self)
            }
            let end = window.offset + window.limit
            if descending {
                let first = Array(scoredIDs.dropFirst(window.offset).prefix(window.limit))
                return first + (try await restPage(offset: max(0, window.offset - scoredIDs.count), limit: window.limit - first.count))
            }
            let restCount = max(0, total - scoredIDs.count)
            let first = try await restPage(offset: window.offset, limit: min(end, restCount) - window.offset)
            let scoredOffset = max(0, window.offset - restCount)
            return first + Array(scoredIDs.dropFirst(scoredOffset).prefix(window.limit - first.count))
        }
    }

    /// Sums per group over [from, to) of the datapoints `query` picks (give it the groups in `groupIDs`): per datapoint
    /// first, then per group.
    public func perGroup(_ query: DatapointQuery, from: Int64, to: Int64) async throws -> [Int64: StatsCounts] {
        let kind = database.kind
        let source = perDatapointSource(query)
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT datapoints.group_id AS group_id, \(unsafeRaw: Self.sums) FROM \
                (SELECT entity_id, \(unsafeRaw: Self.sums) FROM \(source) AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY entity_id) \
                AS members CROSS JOIN datapoints \
                WHERE datapoints.id = members.entity_id AND \(SQLDatapointRepository.predicate(query, kind)) AND datapoints.group_id IS NOT NULL \
                GROUP BY datapoints.group_id
                """
            ).all()
            var result: [Int64: StatsCounts] = [:]
            for row in rows { result[try row.decode(column: "group_id", as: Int64.self)] = try Self.counts(row) }
            return result
        }
    }
}
