import Hummingbird
import TallyCore
import TallyStorage

/// What each statistics, report and hits route sums or lists, found with the caller's access checked: the account
/// (or, for a key limited to groups, what it may read), a list's datapoints or groups, one datapoint, group or goal.
/// The statistics, reports and hits controllers share this one value instead of one another.
struct StatsSubjects: Sendable {
    let datapoints: DatapointAccess
    let groups: GroupAccess
    let conversions: ConversionAccess

    func accountSubject(_ auth: APIAuth) async throws -> StatsSubject {
        if auth.reachesWholeAccount { return StatsSubject(entityID: "\(auth.accountID)", hits: .init(.account, [auth.accountID])) }
        // A key limited to a group, or a guest: only what it may read.
        return StatsSubject(entityID: "\(auth.accountID)", hits: .init(datapoints: visible(auth)))
    }

    /// The datapoints a subject sums, listed (the live stream filters each hit by them in memory).
    func memberIDs(_ subject: StatsSubject) async throws -> Set<Int64> {
        switch subject.hits?.members {
        case .ids(let ids)?: return Set(ids)
        case .datapoints(let query)?: return Set(try await datapoints.queries.ids(query, PageWindow(offset: 0, limit: Int.max)))
        case nil: return []
        }
    }

    /// Every datapoint of the account the caller may read, whatever its status.
    func visible(_ auth: APIAuth) -> DatapointQuery {
        DatapointQuery(accountID: auth.accountID, visibility: auth.visibility)
    }

    func datapointsSubject(_ query: WireQuery, _ auth: APIAuth) async throws -> StatsSubject {
        let chosen = try datapoints.query(query, auth)
        // Every datapoint of the account: its own roll-up holds the same sums, in one row an hour.
        if chosen.isWholeAccount { return StatsSubject(entityID: "", hits: .init(.account, [auth.accountID])) }
        // Every tracking link (or pixel) of the account: the per-type roll-up, the same sums in one row an hour.
        if let type = chosen.wholeAccountType { return StatsSubject(entityID: "", hits: .init(.account(of: type), [auth.accountID])) }
        return StatsSubject(entityID: "", hits: .init(datapoints: chosen))
    }

    func groupsSubject(_ query: WireQuery, _ auth: APIAuth) async throws -> StatsSubject {
        // Their ids only: decoding every column of a thousand groups took longer than summing their rows.
        var listed = try groups.listQuery(query, auth)
        listed.favouritesOnly = try query.bool("favourite") == true
        var members = visible(auth)
        members.groupIDs = Set(try await groups.groups.names(listed).map(\.id))
        return StatsSubject(entityID: "", hits: .init(datapoints: members))
    }

    func datapointSubject(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> StatsSubject {
        let datapoint = try await datapoints.owned(context, auth)
        return StatsSubject(
            entityID: "\(datapoint.id)", hits: .init(.datapoint, [datapoint.id]),
            entityData: .datapoint(try await datapoints.wires([datapoint], auth)[0]))
    }

    func groupSubject(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> StatsSubject {
        let group = try await groups.owned(context, auth)
        var members = visible(auth)
        members.groupIDs = [group.id]
        let live = try await datapoints.queries.countsPerGroup(members.without(.deleted))[group.id] ?? 0
        return StatsSubject(
            entityID: "\(group.id)", hits: .init(datapoints: members),
            entityData: .group(.init(group, writable: auth.canWriteGroup(group.id)), linksCount: live))
    }

    /// A goal's conversions, beside the clicks and views of the links that lead to it (so the rate can be read).
    func conversionSubject(_ context: TallyRequestContext, _ auth: APIAuth) async throws -> StatsSubject {
        let conversion = try await conversions.owned(context, auth)
        var linked = visible(auth)
        linked.linkedTo = .conversion(conversion.id)
        return StatsSubject(
            entityID: "\(conversion.id)", hits: .init(datapoints: linked), conversions: .init(.conversion, [conversion.id]),
            entityData: .conversion(.init(conversion, baseURL: datapoints.publicURL)))
    }

    func allConversionsSubject(_ query: WireQuery, _ auth: APIAuth) async throws -> StatsSubject {
        let chosen = try await conversions.filtered(query, auth)
        return StatsSubject(entityID: "", hits: nil, conversions: .init(.conversion, chosen.map(\.id)))
    }
}

/// What one statistics route sums: hit counters from one scope and, for conversion goals, conversion counters
/// from another.
struct StatsSubject: Sendable {
    let entityID: String
    let hits: SQLStatsRepository.Scope?
    var conversions: SQLStatsRepository.Scope? = nil
    /// The datapoint, group or conversion itself, for routes about one entity.
    var entityData: EntityData? = nil

    /// Sums per hour, or per local day keyed by the day's first hour with rows (enough for totals and day buckets).
    func sums(_ stats: StatsQueries, _ frame: StatsFrame, byHour: Bool) async throws -> [(hour: Int64, counts: StatsCounts)] {
        func read(_ scope: SQLStatsRepository.Scope) async throws -> [(hour: Int64, counts: StatsCounts)] {
            byHour
                ? try await stats.hourly(scope, from: frame.from, to: frame.to)
                : try await stats.daily(scope, from: frame.from, to: frame.to, time: frame.time)
        }
        var merged: [Int64: StatsCounts] = [:]
        if let hits {
            for (hour, counts) in try await read(hits) {
                var only = counts
                // The goal's own rows carry its conversions; the links' rows would count other goals' too.
                if conversions != nil {
                    only.conversions = 0; only.uniqueConversions = 0; only.convertedClicks = 0; only.conversionValue = 0; only.commission = 0
                }
                merged[hour, default: StatsCounts()].add(only)
            }
        }
        if let conversions {
            for (hour, counts) in try await read(conversions) {
                merged[hour, default: StatsCounts()].add(counts)
            }
        }
        return merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
