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
            let query = WireQuery(request)
            var chosen = try await groups.filtered(query.removing("sortBy", "sortDirection"), auth)
            if try query.bool("favourite") == true { chosen = chosen.filter(\.isFavourite) }
            let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
            var members = subjects.visible(auth)
            members.groupIDs = Set(chosen.map(\.id))
            let perGroup = try await stats.perGroup(members, from: frame.from, to: frame.to)
            let linksCount = try await datapoints.queries.countsPerGroup(members.without(.deleted))
            let rows = chosen.map { group in
                SummaryRow(
                    id: group.id, name: group.name, counts: perGroup[group.id] ?? StatsCounts(),
                    data: .group(.init(group, writable: auth.canWriteGroup(group.id)), linksCount: linksCount[group.id] ?? 0))
            }
            return try summary(rows, query, frame)
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

    /// A summary of a short list already in memory (groups, conversions), sorted and paged here.
    static func sortedPage(_ rows: [SummaryRow], _ query: WireQuery) throws(ValidationError) -> SummaryPage {
        let order = try order(query)
        var sorted: [SummaryRow]
        switch order.key {
        case .figure(let figure):
            sorted = rows.sorted { (figure.value($0.counts), -$0.id) < (figure.value($1.counts), -$1.id) }
        case .id: sorted = rows.sorted { $0.id < $1.id }
        case .name: sorted = rows.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
        }
        if order.descending { sorted.reverse() }
        let window = try query.window()
        return SummaryPage(
            rows: Array(sorted.dropFirst(window.offset).prefix(window.limit)), count: rows.count, offset: window.offset, limit: window.limit)
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
