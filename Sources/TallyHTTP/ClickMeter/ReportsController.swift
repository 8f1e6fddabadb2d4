import Hummingbird
import TallyCore
import TallyStorage

/// The "top" reports (the per-entity `…/reports`): values of one dimension ranked by hits (by
/// conversions for a conversion goal), from the daily dimension roll-ups.
struct ReportsController {
    let stats: StatsQueries
    let subjects: StatsSubjects
    let clock: WallClock

    /// ClickMeter's report types and the roll-up each reads. `platforms` is the device class; `devices` and
    /// `sources` are ClickTally's additions.
    static let hitTypes: [String: StatsDimension] = [
        "browsers": .browser, "browsersfamilies": .browserFamily, "platforms": .device, "devices": .device, "cities": .city,
        "countries": .country, "oss": .os, "ossfamilies": .osFamily, "referrers": .referrer, "languages": .language,
        "sources": .source,
    ]
    static let conversionTypes: [String: StatsDimension] = ["datapoints": .datapoint, "groups": .group]
    /// Report types ClickMeter lists that ClickTally keeps no roll-up for: refused by name rather than answered empty.
    static let notKept: [String: String] = [
        "isps": "no ISP database is configured", "ips": "addresses are not ranked (they may be masked, and are personal data)",
        "keywords": "search engines no longer send keywords", "params": "query parameters are not ranked",
        "destinations": "destinations are not ranked", "convparameters": "conversion parameters are not ranked",
    ]

    func addRoutes(to api: APIRoutes) {
        api.on(.get, "reports", scope: StatsController.scope) { request, context, auth in
            let query = WireQuery(request)
            let chosen = [query.string("group"), query.string("datapoint"), query.string("conversion")].compactMap { $0 }
            guard chosen.count <= 1 else {
                throw ValidationError(field: "datapoint", code: "query_invalid", message: "group, datapoint and conversion are mutually exclusive")
            }
            let subject: StatsSubject
            if let id = try query.int("datapoint") {
                subject = try await subjects.datapointSubject(Self.context(context, id), auth)
            } else if let id = try query.int("group") {
                subject = try await subjects.groupSubject(Self.context(context, id), auth)
            } else if let id = try query.int("conversion") {
                subject = try await subjects.conversionSubject(Self.context(context, id), auth)
            } else {
                subject = try await subjects.accountSubject(auth)
            }
            return try await report(request, subject, auth)
        }
        api.on(.get, "datapoints/:id/reports", scope: StatsController.scope) { request, context, auth in
            try await report(request, try await subjects.datapointSubject(context, auth), auth)
        }
        api.on(.get, "groups/:id/reports", scope: StatsController.scope) { request, context, auth in
            try await report(request, try await subjects.groupSubject(context, auth), auth)
        }
        api.on(.get, "conversions/:id/reports", scope: StatsController.scope) { request, context, auth in
            try await report(request, try await subjects.conversionSubject(context, auth), auth)
        }
    }

    /// The same request context with `id` as the path parameter, so `?datapoint=` is checked exactly like `/datapoints/{id}`.
    static func context(_ context: TallyRequestContext, _ id: Int) -> TallyRequestContext {
        var copy = context
        copy.coreContext.parameters = ["id": Substring(String(id))]
        return copy
    }

    func report(_ request: Request, _ subject: StatsSubject, _ auth: APIAuth) async throws -> Response {
        let query = WireQuery(request)
        let type = query.string("type")?.lowercased() ?? ""
        let forConversion = subject.conversions != nil && subject.entityID != ""
        let scope: SQLStatsRepository.Scope
        let dimension: StatsDimension
        if forConversion, let conversionDimension = Self.conversionTypes[type], let conversions = subject.conversions {
            (scope, dimension) = (conversions, conversionDimension)
        } else if !forConversion, let hitDimension = Self.hitTypes[type], let hits = subject.hits {
            (scope, dimension) = (hits, hitDimension)
        } else {
            let known = (forConversion ? Self.conversionTypes : Self.hitTypes).keys.sorted().joined(separator: ", ")
            if let reason = Self.notKept[type] {
                throw ValidationError(
                    field: "type", code: "report_type_not_supported", message: "type \(type) is not reported: \(reason); use one of \(known)")
            }
            throw ValidationError(field: "type", code: "report_type_invalid", message: "type must be one of \(known)")
        }
        let hitType: SQLStatsRepository.HitTypeFilter
        switch query.string("hittype")?.lowercased() {
        case nil, "": hitType = .all
        case "clicks": hitType = .clicks
        case "views": hitType = .views
        default: throw WireQuery.invalid("hittype", "clicks or views")
        }
        let limit = try query.int("limit") ?? 100
        guard (1...1000).contains(limit) else { throw WireQuery.invalid("limit", "between 1 and 1000") }
        // Reports accept `timeframe` in any case; WireQuery reads names case-insensitively.
        let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
        let rows = try await stats.top(scope, dimension: dimension, days: frame.days, hitType: hitType, limit: limit)
        let items = rows.map { TopWire.Item(id: $0.value, counts: Self.only(hitType, $0.counts)) }
        if try CSV.wanted(request, query) {
            return CSV.response(
                header: ["id", "totalHits", "uniqueHits", "spiderHits", "totalClicks", "totalViews", "totalConversions", "totalConversionsValue"],
                rows: items.map {
                    [
                        $0.id, "\($0.totalHits)", "\($0.uniqueHits)", "\($0.spiderHits)", "\($0.totalClicks)", "\($0.totalViews)",
                        "\($0.totalConversions)",
                        "\($0.totalConversionsValue)",
                    ]
                }, filename: "report-\(type)")
        }
        return try CSV.json(TopWire(key: type, createdAt: ClickMeterDate.format(clock.now()), data: items))
    }

    /// `hittype=clicks` shows only clicks (and `views` only views) in every figure of the row.
    static func only(_ filter: SQLStatsRepository.HitTypeFilter, _ counts: StatsCounts) -> StatsCounts {
        var result = counts
        switch filter {
        case .all: break
        case .clicks: (result.views, result.uniqueViews, result.spiderViews) = (0, 0, 0)
        case .views: (result.clicks, result.uniqueClicks, result.spiderClicks) = (0, 0, 0)
        }
        return result
    }
}
