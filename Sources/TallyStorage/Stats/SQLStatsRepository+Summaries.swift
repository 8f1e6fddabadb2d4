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

        func sql(_ kind: DatabaseKind) -> String {
            switch self {
            case .totalClicks: SQLStatsRepository.sum("clicks", kind)
            case .uniqueClicks: SQLStatsRepository.sum("unique_clicks", kind)
            case .totalViews: SQLStatsRepository.sum("views", kind)
            case .uniqueViews: SQLStatsRepository.sum("unique_views", kind)
            case .spiderHits: SQLStatsRepository.sum("spider_clicks + spider_views", kind)
            case .conversions: SQLStatsRepository.sum("conversions", kind)
            case .conversionsValue: "SUM(conversion_value)"
            case .commissions: "SUM(commission)"
            case .lastHitDate: "MAX(last_hit_ms)"
            case .totalHits: SQLStatsRepository.sum("clicks + views", kind)
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

    /// The scored part of one page of `query`'s datapoints ranked by `figure` over [from, to): descending, those with the
    /// figure come first (largest first, ties by id) and then the rest by id; ascending, the exact reverse. The ranking
    /// is SQL's: one read of the frame's roll-ups (only datapoints with hits in it have rows) ranked with a window, of
    /// which only the page's rows and the number ranked come back. The rest (`unscored`) is read by the caller.
    /// `scored` is how many have the figure, or at least `offset + limit` when the page came from `topScored`.
    public func ranked(
        _ query: DatapointQuery, by figure: Figure, descending: Bool, from: Int64, to: Int64, total: Int, _ window: PageWindow
    ) async throws -> (ids: [Int64], scored: Int) {
        let reach = window.offset + window.limit
        if descending, reach <= Self.topScoredReach {
            let top = try await topScored(query, by: figure, from: from, to: to, reach)
            if top.count == reach { return (Array(top.dropFirst(window.offset)), reach) }
        }
        let scored = scoredSQL(query, by: figure, from: from, to: to)
        return try await database.read { db in
            // Positions in the whole list: descending, rank r is position r - 1; ascending, the unscored datapoints come
            // first, so rank r is position (total - scored) + r - 1. The first rank always comes back, carrying the count.
            let shift = descending ? 0 : 1
            let low = window.offset + 1 - (descending ? 0 : total)
            let order = descending ? "figure DESC, entity_id ASC" : "figure ASC, entity_id DESC"
            let rows = try await db.raw(
                """
                SELECT entity_id, place, scored FROM (SELECT entity_id, ROW_NUMBER() OVER (ORDER BY \(unsafeRaw: order)) AS place, \
                COUNT(*) OVER () AS scored FROM (\(scored)) AS ranked) AS numbered \
                WHERE place = 1 OR (place - \(bind: shift) * scored >= \(bind: low) \
                AND place - \(bind: shift) * scored < \(bind: low + window.limit)) ORDER BY place
                """
            ).all()
            let scoredCount = try rows.first?.decode(column: "scored", as: Int.self) ?? 0
            var page: [Int64] = []
            for row in rows {
                let position = try row.decode(column: "place", as: Int.self) - 1 + (descending ? 0 : total - scoredCount)
                if position >= window.offset, position < window.offset + window.limit {
                    page.append(try row.decode(column: "entity_id", as: Int64.self))
                }
            }
            return (page, scoredCount)
        }
    }

    /// A first page by a figure, descending, reaching at most this far is read by `topScored`.
    static let topScoredReach = 5_000

    /// The first `reach` of `query`'s datapoints by `figure`, descending (ties by id), or fewer when fewer have it: the
    /// frame's sums sorted, then checked against the query in that order only until `reach` pass. Ranking every scored
    /// datapoint first checked all of them (10,000 index probes: 15 of a first page's 38 ms on SQLite, half of it on
    /// PostgreSQL) and numbered them with two window functions.
    func topScored(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64, _ reach: Int) async throws -> [Int64] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT figures.entity_id AS entity_id FROM (\(figuresSQL(query, by: figure, from: from, to: to)) \
                ORDER BY figure DESC, entity_id ASC) AS figures \(checkedDatapoints(of: "figures", query)) \
                ORDER BY figures.figure DESC, figures.entity_id ASC LIMIT \(bind: reach)
                """
            ).all(decodingColumn: "entity_id", as: Int64.self)
        }
    }

    /// `figure` per datapoint with it over [from, to) (`entity_id`, `figure`): one pass over the frame's rows, not yet
    /// checked against the query.
    private func figuresSQL(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) -> SQLQueryString {
        let sum = figure.sql(database.kind)
        return """
            SELECT entity_id, CAST(\(unsafeRaw: sum) AS DOUBLE PRECISION) AS figure FROM \(perDatapointSource(query)) \
            AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY entity_id HAVING \(unsafeRaw: sum) > 0
            """
    }

    /// The figures, each datapoint then checked against the query once.
    private func scoredSQL(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) -> SQLQueryString {
        """
        SELECT figures.entity_id AS entity_id, figures.figure AS figure FROM (\(figuresSQL(query, by: figure, from: from, to: to))) \
        AS figures \(checkedDatapoints(of: "figures", query))
        """
    }

    /// The ids of `query`'s datapoints with `figure` over [from, to), ascending: what `unscored` leaves out.
    public func scoredIDs(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) async throws -> [Int64] {
        let scored = scoredSQL(query, by: figure, from: from, to: to)
        return try await database.read { db in
            try await db.raw("SELECT entity_id FROM (\(scored)) AS scored ORDER BY entity_id").all(decodingColumn: "entity_id", as: Int64.self)
        }
    }

    /// One page of `query`'s datapoints without `figure` over [from, to), by id (descending when `descendingIDs`): the
    /// rest of a ranking. Those left out need not be checked against the query, as the rest's own predicate is the query
    /// (on PostgreSQL that check was 110 of the 375 ms of a page at offset 500,000). A deep page walks the id index to
    /// its offset; `DatapointQueries.ids(_:excluding:_:)` reads one through the list's anchors instead.
    public func unscored(
        _ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64, descendingIDs: Bool, _ window: PageWindow
    ) async throws -> [Int64] {
        guard window.limit > 0 else { return [] }
        let kind = database.kind
        let withFigure = figuresSQL(query, by: figure, from: from, to: to)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT id FROM datapoints WHERE \(SQLDatapointRepository.predicate(query, kind)) \
                AND id NOT IN (SELECT entity_id FROM (\(withFigure)) AS figures) \
                ORDER BY id \(unsafeRaw: descendingIDs ? "DESC" : "ASC") LIMIT \(bind: window.limit) OFFSET \(bind: window.offset)
                """
            ).all(decodingColumn: "id", as: Int64.self)
        }
    }

    /// One figure per group over [from, to) when `query` picks whole groups (`DatapointQuery.wholeGroups`), from the
    /// groups' own rows, groups without rows left out; `nil` when it does not (rank those from `perGroup`).
    public func groupFigures(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) async throws -> [Int64: Double]? {
        guard let groups = query.wholeGroups else { return nil }
        let column = "CAST(\(figure.sql(database.kind)) AS DOUBLE PRECISION) AS figure"
        return try await perGroupRow(groups, of: query.accountID, column, from: from, to: to) { try $0.decode(column: "figure", as: Double.self) }
    }

    /// `columns` (aggregates) per group over [from, to) from the groups' own rows, each row read by `decode`.
    func perGroupRow<Value: Sendable>(
        _ groups: Set<Int64>, of accountID: Int64, _ columns: String, from: Int64, to: Int64,
        _ decode: @escaping @Sendable (any SQLRow) throws -> Value
    ) async throws -> [Int64: Value] {
        guard !groups.isEmpty else { return [:] }
        let rows = groupRows(groups, of: accountID)
        return try await database.read { db in
            var result: [Int64: Value] = [:]
            for row in try await db.raw(
                """
                SELECT entity_id, \(unsafeRaw: columns) FROM \(byEntity) WHERE \(rows) \
                AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY entity_id
                """
            ).all() {
                result[try row.decode(column: "entity_id", as: Int64.self)] = try decode(row)
            }
            return result
        }
    }

    /// Sums per group over [from, to) of the datapoints `query` picks (give it the groups in `groupIDs`): from the groups'
    /// own rows when it picks them whole, otherwise per datapoint first, then per group.
    public func perGroup(_ query: DatapointQuery, from: Int64, to: Int64) async throws -> [Int64: StatsCounts] {
        if let groups = query.wholeGroups {
            return try await perGroupRow(groups, of: query.accountID, Self.sums(database.kind), from: from, to: to, Self.counts)
        }
        let source = perDatapointSource(query)
        let checked = checkedDatapoints(of: "members", query)
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT datapoints.group_id AS group_id, \(unsafeRaw: Self.sums(database.kind)) FROM \
                (SELECT entity_id, \(unsafeRaw: Self.sums(database.kind)) FROM \(source) AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY entity_id) \
                AS members \(checked) WHERE datapoints.group_id IS NOT NULL GROUP BY datapoints.group_id
                """
            ).all()
            var result: [Int64: StatsCounts] = [:]
            for row in rows { result[try row.decode(column: "group_id", as: Int64.self)] = try Self.counts(row) }
            return result
        }
    }
}
