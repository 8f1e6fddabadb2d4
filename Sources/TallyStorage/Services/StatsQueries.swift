import TallyCore

/// How the API's statistics, summaries and reports and the dashboard's charts and rankings read sums: one place for
/// an account's clock, the series, the per-entity sums and the rankings of its datapoints, so a dashboard figure and
/// the API's figure for the same frame cannot drift apart. Which entities a scope holds is the caller's access value's
/// business; this only sums them.
public struct StatsQueries: Sendable {
    public typealias Scope = SQLStatsRepository.Scope
    public typealias Figure = SQLStatsRepository.Figure

    let stats: SQLStatsRepository
    let datapoints: DatapointQueries

    public init(stats: SQLStatsRepository, datapoints: DatapointQueries) {
        self.stats = stats
        self.datapoints = datapoints
    }

    /// The account's time zone and where its statistics begin.
    public func accountClock(_ accountID: Int64) async throws -> (time: LocalTime, createdAt: Int64) {
        try await stats.accountClock(accountID)
    }

    /// Sums per UTC hour in [from, to), hours without hits left out.
    public func hourly(_ scope: Scope, from: Int64, to: Int64) async throws -> [(hour: Int64, counts: StatsCounts)] {
        try await stats.hourly(scope, from: from, to: to)
    }

    /// Sums per local day of `time` in [from, to), days without hits left out.
    public func daily(_ scope: Scope, from: Int64, to: Int64, time: LocalTime) async throws -> [(hour: Int64, counts: StatsCounts)] {
        try await stats.daily(scope, from: from, to: to, time: time)
    }

    /// Sums per dimension value (browser, country, …) over local days, the busiest first.
    public func top(
        _ scope: Scope, dimension: StatsDimension, days: ClosedRange<Int64>, hitType: SQLStatsRepository.HitTypeFilter = .all, limit: Int
    ) async throws -> [(value: String, counts: StatsCounts)] {
        try await stats.top(scope, dimension: dimension, days: days, hitType: hitType, limit: limit)
    }

    /// Sums per entity over [from, to).
    public func perEntity(_ scope: Scope, from: Int64, to: Int64) async throws -> [Int64: StatsCounts] {
        try await stats.perEntity(scope, from: from, to: to)
    }

    /// Sums per group over [from, to) of the datapoints `query` picks (its `groupIDs` name the groups).
    public func perGroup(_ query: DatapointQuery, from: Int64, to: Int64) async throws -> [Int64: StatsCounts] {
        try await stats.perGroup(query, from: from, to: to)
    }

    /// One figure per group when `query` picks whole groups (their own roll-ups), `nil` otherwise.
    public func groupFigures(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) async throws -> [Int64: Double]? {
        try await stats.groupFigures(query, by: figure, from: from, to: to)
    }

    /// How a ranking of datapoints is ordered: by a figure over the frame, or by the list's own id or name order.
    public enum Order: Sendable, Equatable {
        case figure(Figure)
        case id, name
    }

    /// One page of a ranking: each datapoint with its sums over the frame, and how many the query picks in all.
    public struct Ranking: Sendable {
        public let total: Int
        public let rows: [(datapoint: Datapoint, counts: StatsCounts)]
    }

    /// One page of `query`'s datapoints ordered by `order` over [from, to), with their sums: ranked in SQL, so only
    /// the page's datapoints and sums are read (the API's summaries and the dashboard's busiest links).
    public func ranking(
        _ query: DatapointQuery, order: Order, descending: Bool, from: Int64, to: Int64, _ window: PageWindow
    ) async throws -> Ranking {
        let total: Int
        let ids: [Int64]
        switch order {
        case .figure(let figure)
        where descending && window.offset + window.limit <= SQLStatsRepository.topScoredReach && window.offset < datapoints.deepOffset:
            // A first page: the busiest are read while the datapoints are counted (two readers at once). When fewer than
            // the page have the figure, those read are all the scored ones, and only the rest is read after them.
            async let counted = datapoints.count(query)
            let top = try await stats.topScored(query, by: figure, from: from, to: to, window.offset + window.limit)
            total = try await counted
            ids =
                top.count == window.offset + window.limit
                ? Array(top.dropFirst(window.offset))
                : try await rankedIDs(query, by: figure, descending: true, from: from, to: to, total: total, window, allScored: top)
        case .figure(let figure):
            total = try await datapoints.count(query)
            ids = try await rankedIDs(query, by: figure, descending: descending, from: from, to: to, total: total, window)
        case .id, .name:
            total = try await datapoints.count(query)
            var ordered = query
            ordered.sort = order == .id ? .id : .name
            ordered.descending = descending
            ids = try await datapoints.ids(ordered, window)
        }
        async let pageRead = datapoints.find(orderedIDs: ids)
        async let countsRead = stats.perEntity(.init(.datapoint, ids), from: from, to: to)
        let (page, counts) = try await (pageRead, countsRead)
        return Ranking(total: total, rows: page.map { ($0, counts[$0.id] ?? StatsCounts()) })
    }

    /// A page ranked by a figure: the scored datapoints ranked in SQL, and the rest by id (after them descending, before
    /// them ascending). A deep page of the rest is read through the datapoint list's anchors, leaving the scored out,
    /// instead of walking the id index to its offset (150 ms at offset 500,000 of a million links); when the whole page
    /// lies in the rest, the scored are only listed, not ranked. `allScored`: every scored datapoint, best first, when
    /// the caller has read them already (descending only); nothing is summed again then.
    private func rankedIDs(
        _ query: DatapointQuery, by figure: Figure, descending: Bool, from: Int64, to: Int64, total: Int, _ window: PageWindow,
        allScored: [Int64]? = nil
    ) async throws -> [Int64] {
        let known = allScored?.sorted()
        var restQuery = query
        restQuery.sort = .id
        restQuery.descending = !descending
        // Where the rest's part of the page is, given how many are scored.
        func restWindow(scored: Int, onPage: Int) -> PageWindow {
            descending
                ? PageWindow(offset: max(0, window.offset - scored), limit: window.limit - onPage)
                : PageWindow(offset: window.offset, limit: max(0, min(window.offset + window.limit, total - scored) - window.offset))
        }
        // The scored ids the rest leaves out, read once and only for a deep page.
        var scoredIDs: [Int64]? = nil
        func anchoredRest(_ rest: PageWindow) async throws -> [Int64]? {
            guard rest.offset >= datapoints.deepOffset else { return nil }
            if scoredIDs == nil { scoredIDs = known }
            if scoredIDs == nil { scoredIDs = try await freshScoredIDs(query, by: figure, from: from, to: to) }
            return try await datapoints.ids(restQuery, excluding: scoredIDs ?? [], rest)
        }
        if window.offset >= datapoints.deepOffset {
            let remembered = known ?? rememberedScoredIDs(query, by: figure, from: from, to: to)
            let excluded: [Int64]
            if let remembered { excluded = remembered } else { excluded = try await freshScoredIDs(query, by: figure, from: from, to: to) }
            scoredIDs = excluded
            let wholePageInRest = descending ? window.offset >= excluded.count : window.offset + window.limit <= total - excluded.count
            if wholePageInRest, let page = try await anchoredRest(restWindow(scored: excluded.count, onPage: 0)) { return page }
            // A page that also ranks the scored reads them anew, so that both of its parts see the same hits.
            if remembered != nil, known == nil { scoredIDs = nil }
        }
        let scored =
            if let allScored {
                (ids: Array(allScored.dropFirst(window.offset).prefix(window.limit)), scored: allScored.count)
            } else {
                try await stats.ranked(query, by: figure, descending: descending, from: from, to: to, total: total, window)
            }
        let rest = restWindow(scored: scored.scored, onPage: scored.ids.count)
        guard rest.limit > 0 else { return scored.ids }
        var unscored = try await anchoredRest(rest)
        if unscored == nil { unscored = try await stats.unscored(query, by: figure, from: from, to: to, descendingIDs: !descending, rest) }
        return descending ? scored.ids + (unscored ?? []) : (unscored ?? []) + scored.ids
    }

    /// The scored datapoints of a deep summary page remembered from an earlier page (`PageAnchors.scored`), if any.
    private func rememberedScoredIDs(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) -> [Int64]? {
        datapoints.repository.anchors?.scored(.init(query: query, figure: figure.rawValue, from: from, to: to))
    }

    /// The scored datapoints read now, and remembered for the next pages.
    private func freshScoredIDs(_ query: DatapointQuery, by figure: Figure, from: Int64, to: Int64) async throws -> [Int64] {
        let anchors = datapoints.repository.anchors
        let stamp = anchors?.stamp(query.accountID)
        let ids = try await stats.scoredIDs(query, by: figure, from: from, to: to)
        if let anchors, let stamp { anchors.recordScored(.init(query: query, figure: figure.rawValue, from: from, to: to), ids, readUnder: stamp) }
        return ids
    }
}
