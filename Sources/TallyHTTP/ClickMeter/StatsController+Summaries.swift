import Hummingbird
import TallyCore
import TallyStorage

/// `…/aggregated/summary…`: one row per datapoint, group or conversion over the frame, sorted and paged, with the
/// entity itself in `entityData` (`AggregatedSummaryResult`).
extension StatsController {
    func addSummaryRoutes(to api: APIRoutes) {
        api.on(.get, "aggregated/summary/datapoints", scope: Self.scope) { request, _, auth in
            let query = WireQuery(request)
            guard try query.datapointType() != nil else { throw WireQuery.invalid("type", "tl or tp") }
            return try await datapointSummary(query, auth, groupID: try query.int("groupId").map(Int64.init))
        }
        api.on(.get, "groups/:id/aggregated/summary", scope: Self.scope) { request, context, auth in
            let group = try await groups.owned(context, auth)
            return try await datapointSummary(WireQuery(request), auth, groupID: group.id)
        }
        api.on(.get, "aggregated/summary/groups", scope: Self.scope) { request, _, auth in
            try await groupSummary(WireQuery(request), auth)
        }
        api.on(.get, "aggregated/summary/conversions", scope: Self.scope) { request, _, auth in
            let query = WireQuery(request)
            let chosen = try await conversions.filtered(query, auth)
            let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
            let counts = try await stats.perEntity(.init(.conversion, chosen.map(\.id)), from: frame.from, to: frame.to)
            let rows = chosen.map {
                SummaryRow(
                    id: $0.id, name: $0.name, counts: counts[$0.id] ?? StatsCounts(), data: .conversion(.init($0, baseURL: datapoints.publicURL)))
            }
            return try summary(rows, query, frame)
        }
    }

    /// One page of datapoints ranked in SQL (`StatsQueries.ranking`: by a figure over the frame, or the list's own order
    /// for id and name); only that page's sums and datapoints are read.
    func datapointSummary(_ query: WireQuery, _ auth: APIAuth, groupID: Int64?) async throws -> AggregatedSummaryWire {
        let chosen = try datapoints.query(query.removing("sortBy", "sortDirection"), auth, groupID: groupID)
        let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
        let order = try Self.order(query)
        let window = try query.window()
        let ranking = try await stats.ranking(chosen, order: order.key, descending: order.descending, from: frame.from, to: frame.to, window)
        let wires = try await datapoints.wires(ranking.rows.map(\.datapoint), auth)
        let rows = zip(ranking.rows, wires).map { row, wire in
            SummaryRow(id: row.datapoint.id, name: row.datapoint.name, counts: row.counts, data: .datapoint(wire))
        }
        return Self.wire(SummaryPage(rows: rows, count: ranking.total, offset: window.offset, limit: window.limit), frame)
    }

    func summary(_ rows: [SummaryRow], _ query: WireQuery, _ frame: StatsFrame) throws -> AggregatedSummaryWire {
        Self.wire(try Self.sortedPage(rows, query), frame)
    }

    struct SummaryRow {
        let id: Int64
        let name: String
        let counts: StatsCounts
        var data: EntityData?
    }

    struct SummaryPage {
        var rows: [SummaryRow]
        let count: Int
        let offset: Int
        let limit: Int
    }

    typealias SortKey = StatsQueries.Order

    /// `sortBy`: a figure (totalClicks, uniqueClicks, totalViews, uniqueViews, spiderHitsCount, conversionsCount,
    /// conversionsValue, commissionsCost, lastHitDate, totalHits) or id/name; `sortDirection` asc|desc (default desc
    /// for figures).
    static func order(_ query: WireQuery) throws(ValidationError) -> (key: SortKey, descending: Bool) {
        let sortBy = query.string("sortBy")?.lowercased() ?? "totalclicks"
        let key: SortKey
        if let figure = SQLStatsRepository.Figure(rawValue: sortBy) {
            key = .figure(figure)
        } else if sortBy == "id" {
            key = .id
        } else if sortBy == "name" {
            key = .name
        } else {
            let figures = SQLStatsRepository.Figure.allCases.map(\.rawValue).sorted().joined(separator: ", ")
            throw WireQuery.invalid("sortBy", "one of \(figures), id, name")
        }
        switch query.string("sortDirection")?.lowercased() {
        case nil: if case .figure = key { return (key, true) } else { return (key, false) }
        case "asc": return (key, false)
        case "desc": return (key, true)
        default: throw WireQuery.invalid("sortDirection", "asc or desc")
        }
    }

    /// A summary of a short list already in memory (conversions), sorted and paged here.
    static func sortedPage(_ rows: [SummaryRow], _ query: WireQuery) throws(ValidationError) -> SummaryPage {
        let order = try order(query)
        var figure: SQLStatsRepository.Figure?
        if case .figure(let sorted) = order.key { figure = sorted }
        let entries = rows.map { RankEntry(id: $0.id, name: $0.name, value: figure?.value($0.counts) ?? 0) }
        let byID = Dictionary(rows.map { ($0.id, $0) }) { first, _ in first }
        let window = try query.window()
        return SummaryPage(
            rows: rank(entries, order, window).compactMap { byID[$0] }, count: rows.count, offset: window.offset, limit: window.limit)
    }

    /// What a short list is ranked by: its id, its name and the figure sorted by (0 when the order is not a figure).
    struct RankEntry {
        let id: Int64
        let name: String
        let value: Double
    }

    /// The ids of one page of `entries` in a summary's order: a figure (ties by id, the largest id first when
    /// ascending), the id, or the name without case.
    static func rank(_ entries: [RankEntry], _ order: (key: SortKey, descending: Bool), _ window: PageWindow) -> [Int64] {
        var sorted: [RankEntry]
        switch order.key {
        case .figure: sorted = entries.sorted { ($0.value, -$0.id) < ($1.value, -$1.id) }
        case .id: sorted = entries.sorted { $0.id < $1.id }
        case .name:
            let keyed = entries.map { ($0.name.lowercased(), $0) }
            sorted = keyed.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
        }
        if order.descending { sorted.reverse() }
        return sorted.dropFirst(window.offset).prefix(window.limit).map(\.id)
    }

    static func wire(_ page: SummaryPage, _ frame: StatsFrame) -> AggregatedSummaryWire {
        AggregatedSummaryWire(
            count: page.count, limit: page.limit, offset: page.offset, fromDay: AggregatedWire.dayText(frame.days.lowerBound),
            toDay: AggregatedWire.dayText(frame.days.upperBound),
            result: page.rows.map { row in
                var wire = AggregatedWire(row.counts, entityID: "\(row.id)", days: frame.days)
                wire.entityData = row.data
                return wire
            })
    }
}
