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
            let members = try await datapoints.repository.list(accountID: auth.accountID, statuses: Set(DatapointStatus.allCases))
                .filter { $0.groupID != nil && auth.canRead($0) }
            let perDatapoint = try await stats.perEntity(.init(.datapoint, members.map(\.id)), from: frame.from, to: frame.to)
            var perGroup: [Int64: StatsCounts] = [:]
            var linksCount: [Int64: Int] = [:]
            for member in members {
                if member.status != .deleted { linksCount[member.groupID!, default: 0] += 1 }
                if let counts = perDatapoint[member.id] { perGroup[member.groupID!, default: StatsCounts()].add(counts) }
            }
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

    func datapointSummary(_ query: WireQuery, _ auth: APIAuth, groupID: Int64?) async throws -> AggregatedSummaryWire {
        var chosen = try await datapoints.filtered(query.removing("sortBy", "sortDirection"), auth, groupID: groupID)
        if try query.bool("favourite") == true { chosen = chosen.filter(\.isFavourite) }
        let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
        let counts = try await stats.perEntity(.init(.datapoint, chosen.map(\.id)), from: frame.from, to: frame.to)
        let rows = chosen.map { SummaryRow(id: $0.id, name: $0.name, counts: counts[$0.id] ?? StatsCounts(), data: nil, datapoint: $0) }
        // Only the page's datapoints are expanded into full DTOs.
        var page = try Self.sortedPage(rows, query)
        let wires = try await datapoints.wires(page.rows.compactMap(\.datapoint), auth)
        for index in page.rows.indices { page.rows[index].data = .datapoint(wires[index]) }
        return Self.wire(page, frame)
    }

    func summary(_ rows: [SummaryRow], _ query: WireQuery, _ frame: StatsFrame) throws -> AggregatedSummaryWire {
        Self.wire(try Self.sortedPage(rows, query), frame)
    }

    struct SummaryRow {
        let id: Int64
        let name: String
        let counts: StatsCounts
        var data: EntityData?
        var datapoint: Datapoint? = nil
    }

    struct SummaryPage {
        var rows: [SummaryRow]
        let count: Int
        let offset: Int
        let limit: Int
    }

    /// `sortBy`: a figure (totalClicks, uniqueClicks, totalViews, uniqueViews, spiderHitsCount, conversionsCount,
    /// conversionsValue, commissionsCost, lastHitDate) or id/name; `sortDirection` asc|desc (default desc for figures).
    static func sortedPage(_ rows: [SummaryRow], _ query: WireQuery) throws(ValidationError) -> SummaryPage {
        let sortBy = query.string("sortBy")?.lowercased() ?? "totalclicks"
        let figures: [String: (StatsCounts) -> Double] = [
            "totalclicks": { Double($0.clicks) }, "uniqueclicks": { Double($0.uniqueClicks) }, "totalviews": { Double($0.views) },
            "uniqueviews": { Double($0.uniqueViews) }, "spiderhitscount": { Double($0.spiders) }, "conversionscount": { Double($0.conversions) },
            "conversionsvalue": { $0.conversionValue }, "commissionscost": { $0.commission }, "lasthitdate": { Double($0.lastHit) },
            "totalhits": { Double($0.hits) },
        ]
        var descending: Bool
        switch query.string("sortDirection")?.lowercased() {
        case nil: descending = figures[sortBy] != nil
        case "asc": descending = false
        case "desc": descending = true
        default: throw WireQuery.invalid("sortDirection", "asc or desc")
        }
        var sorted: [SummaryRow]
        if let figure = figures[sortBy] {
            sorted = rows.sorted { (figure($0.counts), -$0.id) < (figure($1.counts), -$1.id) }
        } else if sortBy == "id" {
            sorted = rows.sorted { $0.id < $1.id }
        } else if sortBy == "name" {
            sorted = rows.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
        } else {
            throw WireQuery.invalid("sortBy", "one of \(figures.keys.sorted().joined(separator: ", ")), id, name")
        }
        if descending { sorted.reverse() }
        let offset = try query.int("offset") ?? 0
        let limit = try query.int("limit") ?? 20
        guard offset >= 0 else { throw WireQuery.invalid("offset", "zero or more") }
        guard limit >= 1 else { throw WireQuery.invalid("limit", "one or more") }
        let cappedLimit = min(limit, DatapointsController.maximumLimit)
        return SummaryPage(rows: Array(sorted.dropFirst(offset).prefix(cappedLimit)), count: rows.count, offset: offset, limit: cappedLimit)
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
