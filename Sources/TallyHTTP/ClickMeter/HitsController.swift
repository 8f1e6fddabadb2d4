import Hummingbird
import TallyCore
import TallyStorage

/// Hit lists with cursor paging (the per-entity `…/hits`) and the clickstream: raw hits,
/// newest first, with the link and the conversions each led to.
struct HitsController {
    let hits: HitQueries
    let stats: StatsQueries
    let subjects: StatsSubjects
    let clock: WallClock
    /// For the live stream: its key is checked again every second, and each key holds at most 5 streams.
    let keys: SQLAPIKeyRepository
    let streams: LiveStreamSlots
    /// The live streams' clock (`ServiceTimers.streams`).
    let timer: any Clock<Duration>

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "hits", scope: StatsController.scope) { request, _, auth in
            let owner: SQLHitListRepository.Owner
            if auth.reachesWholeAccount {
                owner = .account(auth.accountID)
            } else {
                owner = .matching(subjects.visible(auth))
            }
            return try await page(request, owner, auth)
        }
        api.on(.get, "datapoints/:id/hits", scope: StatsController.scope) { request, context, auth in
            try await page(request, Self.owner(try await subjects.datapointSubject(context, auth).hits), auth)
        }
        api.on(.get, "groups/:id/hits", scope: StatsController.scope) { request, context, auth in
            try await page(request, Self.owner(try await subjects.groupSubject(context, auth).hits), auth)
        }
        api.on(.get, "conversions/:id/hits", scope: StatsController.scope) { request, context, auth in
            let conversion = try await subjects.conversions.owned(context, auth)
            return try await page(request, try await conversionOwner(conversion.id, auth), auth)
        }
        api.on(.get, "clickstream", scope: StatsController.scope) { request, context, auth in
            try await clickstream(request, context, auth)
        }
    }

    static func filter(_ query: WireQuery) throws(ValidationError) -> HitFilter? {
        guard let text = query.string("filter")?.lowercased(), !text.isEmpty else { return nil }
        guard let filter = HitFilter(rawValue: text) else { throw WireQuery.invalid("filter", "one of uniques, spiders, nonuniques, conversions") }
        return filter
    }

    func page(_ request: Request, _ owner: SQLHitListRepository.Owner, _ auth: APIAuth) async throws -> Response {
        let query = WireQuery(request)
        let limit = try query.int("limit") ?? 50
        guard (1...1000).contains(limit) else { throw WireQuery.invalid("limit", "between 1 and 1000") }
        var cursor: HitCursor?
        if let offset = query.string("offset"), !offset.isEmpty, offset != "0" {
            guard let parsed = HitCursor(offset) else {
                throw ValidationError(field: "offset", code: "offset_invalid", message: "offset must be the lastKey of the previous page")
            }
            cursor = parsed
        }
        let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
        let found = try await hits.page(owner, from: frame.from, to: frame.to, filter: try Self.filter(query), after: cursor, limit: limit)
        let wires = try await wires(found, auth)
        if try CSV.wanted(request, query) { return CSV.response(header: HitWire.csvHeader, rows: wires.map(\.csvRow), filename: "hits") }
        // A full page may have a next one; a short page is the last.
        let lastKey = found.count == limit ? found.last.map { HitCursor(time: $0.time, id: $0.id).text } : nil
        return try CSV.json(HitListPageWire(hits: wires, lastKey: lastKey))
    }

    /// The latest hits (at most 100), optionally of one datapoint, group or conversion.
    func clickstream(_ request: Request, _ context: TallyRequestContext, _ auth: APIAuth) async throws -> Response {
        let query = WireQuery(request)
        let pageSize = try query.int("pageSize") ?? 50
        guard (1...100).contains(pageSize) else { throw WireQuery.invalid("pageSize", "between 1 and 100") }
        let chosen = [query.string("group"), query.string("datapoint"), query.string("conversion")].compactMap { $0 }
        guard chosen.count <= 1 else {
            throw ValidationError(field: "datapoint", code: "query_invalid", message: "group, datapoint and conversion are mutually exclusive")
        }
        let owner: SQLHitListRepository.Owner
        if let id = try query.int("datapoint") {
            owner = Self.owner(try await subjects.datapointSubject(ReportsController.context(context, id), auth).hits)
        } else if let id = try query.int("group") {
            owner = Self.owner(try await subjects.groupSubject(ReportsController.context(context, id), auth).hits)
        } else if let id = try query.int("conversion") {
            owner = try await conversionOwner(try await subjects.conversions.owned(ReportsController.context(context, id), auth).id, auth)
        } else if auth.reachesWholeAccount {
            owner = .account(auth.accountID)
        } else {
            owner = Self.owner(try await subjects.accountSubject(auth).hits)
        }
        let found = try await hits.page(owner, from: 0, to: Int64.max, filter: try Self.filter(query), after: nil, limit: pageSize)
        let wires = try await wires(found, auth)
        if try CSV.wanted(request, query) { return CSV.response(header: HitWire.csvHeader, rows: wires.map(\.csvRow), filename: "clickstream") }
        return RowsWire(rows: wires).response
    }

    /// A conversion's clicks, only on the datapoints the caller may read (`APIAuth.canRead`, via `accountSubject`).
    func conversionOwner(_ id: Int64, _ auth: APIAuth) async throws -> SQLHitListRepository.Owner {
        .conversion(id, accountID: auth.accountID, within: auth.reachesWholeAccount ? nil : subjects.visible(auth))
    }

    /// The hits of what a statistics subject sums.
    static func owner(_ scope: SQLStatsRepository.Scope?) -> SQLHitListRepository.Owner {
        guard let scope else { return .datapoints([]) }
        switch scope.members {
        case .ids(let ids): return scope.entity == .account ? .account(ids.first ?? 0) : .datapoints(ids)
        case .datapoints(let query): return .matching(query)
        }
    }

    /// Each hit with its datapoint and its conversions, loaded in one query each for the whole page.
    func wires(_ found: [StoredHit], _ auth: APIAuth) async throws -> [HitWire] {
        let datapoints = subjects.datapoints
        let owned = try await datapoints.queries.find(ids: found.map(\.datapointID)).filter { $0.accountID == auth.accountID }
        var byID: [Int64: DatapointWire] = [:]
        for wire in try await datapoints.wires(owned, auth) { byID[wire.id] = wire }
        let events = try await hits.conversions(ofClicks: found.map(\.clickID))
        var goals: [Int64: Conversion] = [:]
        if !events.isEmpty {
            for conversion in try await subjects.conversions.conversions.all(accountID: auth.accountID) { goals[conversion.id] = conversion }
        }
        return found.map { hit in
            HitWire(hit, datapoint: byID[hit.datapointID], conversions: (events[hit.clickID] ?? []).map { ($0, goals[$0.conversionID]) })
        }
    }
}
