import Hummingbird
import TallyCore
import TallyStorage

/// The aggregated statistics (the `…/aggregated` routes): totals and
/// series from the roll-ups, in the account's time zone.
struct StatsController {
    let stats: StatsQueries
    /// What each route sums, with access checked.
    let subjects: StatsSubjects
    let clock: WallClock
    var datapoints: DatapointAccess { subjects.datapoints }
    var groups: GroupAccess { subjects.groups }
    var conversions: ConversionAccess { subjects.conversions }

    static let scope = APIScope(.stats, .read)

    func addRoutes(to api: APIRoutes) {
        // One total (optionally with its hours) and a series, for each kind of scope.
        let singles: [(String, @Sendable (Request, TallyRequestContext, APIAuth) async throws -> StatsSubject)] = [
            ("aggregated", { _, _, auth in try await subjects.accountSubject(auth) }),
            ("datapoints/aggregated", { request, _, auth in try await subjects.datapointsSubject(WireQuery(request), auth) }),
            ("groups/aggregated", { request, _, auth in try await subjects.groupsSubject(WireQuery(request), auth) }),
            ("datapoints/:id/aggregated", { _, context, auth in try await subjects.datapointSubject(context, auth) }),
            ("groups/:id/aggregated", { _, context, auth in try await subjects.groupSubject(context, auth) }),
            ("conversions/:id/aggregated", { _, context, auth in try await subjects.conversionSubject(context, auth) }),
        ]
        for (path, subject) in singles {
            api.on(.get, path, scope: Self.scope) { request, context, auth in
                try await single(request, subject: try await subject(request, context, auth), auth)
            }
            api.on(.get, "\(path)/list", scope: Self.scope) { request, context, auth in
                try await series(request, subject: try await subject(request, context, auth), auth)
            }
        }
        api.on(.get, "conversions/aggregated/list", scope: Self.scope) { request, _, auth in
            try await series(request, subject: try await subjects.allConversionsSubject(WireQuery(request), auth), auth)
        }
        addSummaryRoutes(to: api)
    }

    func single(_ request: Request, subject: StatsSubject, _ auth: APIAuth) async throws -> Response {
        let query = WireQuery(request)
        let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
        let hourly = try query.bool("hourly") == true
        let hours = try await subject.sums(stats, frame, byHour: hourly)
        var wire = AggregatedWire(frame.total(hours), entityID: subject.entityID, days: frame.days)
        wire.entityData = subject.entityData
        if hourly { wire.hourlyBreakDown = try frame.hourlyBreakDown(hours, entityID: subject.entityID) }
        if try CSV.wanted(request, query) {
            return CSV.response(header: AggregatedWire.csvHeader, rows: [wire.csvRow], filename: "aggregated")
        }
        return try CSV.json(wire)
    }

    func series(_ request: Request, subject: StatsSubject, _ auth: APIAuth) async throws -> Response {
        let query = WireQuery(request)
        let grouping = try StatsGrouping.parse(query.string("groupBy"))
        let frame = try await StatsFrame.resolve(query, accountID: auth.accountID, stats: stats, now: clock.now())
        let rows = frame.buckets(try await subject.sums(stats, frame, byHour: false), grouping: grouping).map { bucket in
            var wire = AggregatedWire(bucket.counts, entityID: subject.entityID, days: bucket.days)
            wire.activityDay = AggregatedWire.dayText(bucket.days.lowerBound)
            wire.entityData = subject.entityData
            return wire
        }
        if try CSV.wanted(request, query) {
            return CSV.response(header: AggregatedWire.csvHeader, rows: rows.map(\.csvRow), filename: "aggregated")
        }
        return RowsWire(rows: rows).response
    }
}
