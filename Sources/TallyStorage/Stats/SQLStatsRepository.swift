import SQLKit
import TallyCore

/// Reads statistics: sums of `stats_hourly` and `stats_daily`, never the raw hits (apart from hit lists, which show
/// hits themselves).
public struct SQLStatsRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Which rows to sum: one account, some datapoints (one, a group's, those a query picks), one conversion.
    public struct Scope: Sendable {
        public let entity: StatsEntity
        public let members: Members

        public enum Members: Sendable {
            case ids([Int64])
            /// The datapoints a query picks, selected in SQL (an account's million links are never listed in memory).
            case datapoints(DatapointQuery)
        }

        public init(_ entity: StatsEntity, _ ids: [Int64]) {
            self.entity = entity
            self.members = .ids(ids)
        }

        public init(datapoints query: DatapointQuery) {
            self.entity = .datapoint
            self.members = .datapoints(query)
        }
    }

    /// `entity_kind = … AND entity_id IN (…)` for a scope, or `nil` when it has no member.
    func membership(_ scope: Scope) -> SQLQueryString? {
        switch scope.members {
        case .ids(let ids):
            guard !ids.isEmpty else { return nil }
            return "entity_kind = \(bind: scope.entity.rawValue) AND entity_id IN \(SQLBind.group(ids))"
        case .datapoints(let query):
            return """
                entity_kind = \(bind: scope.entity.rawValue) AND entity_id IN \
                (SELECT id FROM datapoints WHERE \(SQLDatapointRepository.predicate(query, database.kind)))
                """
        }
    }

    /// The FROM and WHERE of a read of `stats_hourly` over a scope in [from, to). Listed ids and narrow queries start from
    /// their datapoints. A broad query (type, status, text… over a whole account) first finds the datapoints it picks
    /// among those with rows in the frame (`frameMembers`), then reads their rows by the hour index: the frame's rows
    /// are read once, and each datapoint is checked once rather than once per hour.
    /// With `groupsMayAnswer` (a series, where any rows of the same sums do), a query that picks whole groups reads the
    /// groups' own rows (`StatsEntity.group`), one an hour per group; a read per datapoint never does.
    func frameSource(
        _ scope: Scope, from: Int64, to: Int64, groupsMayAnswer: Bool = false
    ) async throws -> (from: SQLQueryString, where: SQLQueryString)? {
        if groupsMayAnswer, case .datapoints(let query) = scope.members, let groups = query.wholeGroups {
            return groups.isEmpty ? nil : (byEntity, groupRows(groups, of: query.accountID))
        }
        guard case .datapoints(let query) = scope.members, !query.isNarrow else { return membership(scope).map { (byEntity, $0) } }
        let ids = try await frameMembers(query, from: from, to: to)
        guard !ids.isEmpty else { return nil }
        return (byHour, "entity_kind = \(bind: StatsEntity.datapoint.rawValue) AND entity_id IN (\(jsonIDs(ids)))")
    }

    /// The hourly rows of the account's groups among `groups`.
    func groupRows(_ groups: Set<Int64>, of accountID: Int64) -> SQLQueryString {
        """
        entity_kind = \(bind: StatsEntity.group.rawValue) AND entity_id IN \
        (SELECT id FROM link_groups WHERE account_id = \(bind: accountID) AND id IN (\(jsonIDs(groups.sorted()))))
        """
    }

    /// `FROM … WHERE …` of a per-datapoint read of the roll-ups over `query`'s members (append the hour range): a narrow
    /// query's members by subquery, a broad one's every datapoint row by the hour index (join the datapoints after
    /// aggregating, so each is checked once).
    func perDatapointSource(_ query: DatapointQuery) -> SQLQueryString {
        query.isNarrow
            ? "\(byEntity) WHERE \(membership(.init(datapoints: query)) ?? "1 = 0")"
            : "\(byHour) WHERE entity_kind = \(bind: StatsEntity.datapoint.rawValue)"
    }

    /// Joins, to per-entity rows under `alias` (one row per datapoint), the datapoint each names, kept only when `query`
    /// picks it: each datapoint is checked once, after its rows were summed, by the account index, which holds the
    /// account, id, status, type and group (migration 19), so the check reads no datapoint row. SQLite takes the order
    /// from `CROSS JOIN`; PostgreSQL gets a `LATERAL` probe, as its planner otherwise hashes the account's whole
    /// datapoints table (500,000 rows for a group filter) against 10,000 sums. Its `LIMIT 1` (an id names one row anyway)
    /// keeps the planner from pulling the subquery up into that same hash join. Select `datapoints.group_id` if needed.
    func checkedDatapoints(of alias: String, _ query: DatapointQuery) -> SQLQueryString {
        let predicate = SQLDatapointRepository.predicate(query, database.kind)
        switch database.kind {
        case .sqlite:
            return "CROSS JOIN datapoints INDEXED BY datapoints_account_id ON datapoints.id = \(unsafeRaw: alias).entity_id AND \(predicate)"
        case .postgres:
            return """
                JOIN LATERAL (SELECT id, group_id FROM datapoints WHERE datapoints.id = \(unsafeRaw: alias).entity_id AND \(predicate) LIMIT 1) \
                AS datapoints ON TRUE
                """
        }
    }

    /// `stats_hourly` read in hour order. On SQLite that is the table itself (clustered by kind, hour and entity,
    /// migration 19): `NOT INDEXED` keeps the planner, which cannot estimate an hour range, off the entity index.
    var byHour: SQLQueryString { database.kind == .sqlite ? "stats_hourly NOT INDEXED" : "stats_hourly" }

    /// `stats_hourly` read entity by entity (listed ids, a narrow query's members): SQLite's planner would otherwise take
    /// the table's hour order and read every entity's rows in the frame.
    var byEntity: SQLQueryString { database.kind == .sqlite ? "stats_hourly INDEXED BY stats_hourly_entity" : "stats_hourly" }

    /// A subquery listing ids from one bound JSON array (any number of them, where binds are limited to 32,767 on
    /// PostgreSQL and 250,000 on SQLite).
    func jsonIDs(_ ids: [Int64]) -> SQLQueryString {
        let json = "[" + ids.map(String.init).joined(separator: ",") + "]"
        return database.kind == .sqlite
            ? "SELECT value FROM json_each(\(bind: json))" : "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(\(bind: json) AS JSON))"
    }

    /// The datapoints `query` picks that have roll-up rows in [from, to).
    func frameMembers(_ query: DatapointQuery, from: Int64, to: Int64) async throws -> [Int64] {
        let hour = byHour
        let checked = checkedDatapoints(of: "framed", query)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT framed.entity_id AS id FROM (SELECT DISTINCT entity_id FROM \(hour) WHERE entity_kind = \(bind: StatsEntity.datapoint.rawValue) \
                AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to)) AS framed \(checked)
                """
            ).all(decodingColumn: "id", as: Int64.self)
        }
    }

    /// Whether a report counts clicks, views or both (`hittype`).
    public enum HitTypeFilter: Sendable {
        case all, clicks, views
    }

    /// Every counter summed (see `sum` for how the counts are added up on each engine).
    static func sums(_ kind: DatabaseKind) -> String {
        [
            "clicks", "views", "unique_clicks", "unique_views", "spider_clicks", "spider_views", "conversions", "unique_conversions",
            "converted_clicks",
        ].map { "CAST(\(sum($0, kind)) AS BIGINT) AS \($0)" }.joined(separator: ", ")
            + ", CAST(SUM(conversion_value) AS DOUBLE PRECISION) AS conversion_value, CAST(SUM(commission) AS DOUBLE PRECISION) AS commission, "
            + "MAX(last_hit_ms) AS last_hit_ms"
    }

    /// The sum of a count column. PostgreSQL sums BIGINT into NUMERIC, which cost 40 % of a per-datapoint sum over a week
    /// of 10,000 links (71 -> 45 ms as doubles, exact to 2^53, far past any count); SQLite adds integers natively, and
    /// the cast would cost it about 10 %.
    static func sum(_ column: String, _ kind: DatabaseKind) -> String {
        kind == .postgres ? "SUM(CAST(\(column) AS DOUBLE PRECISION))" : "SUM(\(column))"
    }

    static func counts(_ row: any SQLRow) throws -> StatsCounts {
        var counts = StatsCounts()
        counts.clicks = try row.decode(column: "clicks", as: Int64?.self) ?? 0
        counts.views = try row.decode(column: "views", as: Int64?.self) ?? 0
        counts.uniqueClicks = try row.decode(column: "unique_clicks", as: Int64?.self) ?? 0
        counts.uniqueViews = try row.decode(column: "unique_views", as: Int64?.self) ?? 0
        counts.spiderClicks = try row.decode(column: "spider_clicks", as: Int64?.self) ?? 0
        counts.spiderViews = try row.decode(column: "spider_views", as: Int64?.self) ?? 0
        counts.conversions = try row.decode(column: "conversions", as: Int64?.self) ?? 0
        counts.uniqueConversions = try row.decode(column: "unique_conversions", as: Int64?.self) ?? 0
        counts.convertedClicks = try row.decode(column: "converted_clicks", as: Int64?.self) ?? 0
        counts.conversionValue = try row.decode(column: "conversion_value", as: Double?.self) ?? 0
        counts.commission = try row.decode(column: "commission", as: Double?.self) ?? 0
        counts.lastHit = try row.decode(column: "last_hit_ms", as: Int64?.self) ?? 0
        return counts
    }

    /// Sums per UTC hour in [from, to), hours without hits left out.
    public func hourly(_ scope: Scope, from: Int64, to: Int64) async throws -> [(hour: Int64, counts: StatsCounts)] {
        guard let source = try await frameSource(scope, from: from, to: to, groupsMayAnswer: true) else { return [] }
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT hour_ms, \(unsafeRaw: Self.sums(database.kind)) FROM \(source.from) WHERE \(source.where) \
                AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) \
                GROUP BY hour_ms ORDER BY hour_ms
                """
            ).all()
            return try rows.map { (try $0.decode(column: "hour_ms", as: Int64.self), try Self.counts($0)) }
        }
    }

    /// Sums per local day of `time` in [from, to), each day keyed by its first UTC hour with rows (so callers that
    /// bucket hours by local day get the same answer as from `hourly`, from ~24 times fewer rows: decoding the rows,
    /// not the query, is what a 90-day series costs).
    /// The local day of an hour column, in SQL: one branch per stretch of constant offset. Integers computed here,
    /// never input; `nil` for no stretch.
    static func localDay(of column: String, _ periods: [(from: Int64, to: Int64, offset: Int64)]) -> String? {
        guard let last = periods.last else { return nil }
        let branches = periods.dropLast().map { "WHEN \(column) < \($0.to) THEN (\(column) + \($0.offset)) / 86400000 " }.joined()
        let final = "(\(column) + \(last.offset)) / 86400000"
        return branches.isEmpty ? final : "CASE \(branches)ELSE \(final) END"
    }

    public func daily(_ scope: Scope, from: Int64, to: Int64, time: LocalTime) async throws -> [(hour: Int64, counts: StatsCounts)] {
        guard let source = try await frameSource(scope, from: from, to: to, groupsMayAnswer: true) else { return [] }
        guard let day = Self.localDay(of: "hour_ms", time.periods(from: from, to: to)) else { return [] }
        // On SQLite per hour first, then per day over those few rows: the rows of a broad frame come in hour order (the
        // table's own), so the first grouping needs no sort, where grouping them by day sorted every row with its eleven
        // counters (a week of 10,000 links' 69,628 rows: 72 -> 40 ms in the sqlite3 shell). PostgreSQL hashes either
        // way, and the second grouping cost it about 6 ms of 35 (EXPLAIN ANALYZE on the same week).
        let kind = database.kind
        let rowsByHour: SQLQueryString =
            kind == .sqlite
            ? "(SELECT hour_ms, \(unsafeRaw: Self.sums(kind)) FROM \(source.from) WHERE \(source.where) AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY hour_ms) AS hours"
            : "\(source.from) WHERE \(source.where) AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to)"
        return try await database.read { db in
            let rows = try await db.raw(
                "SELECT MIN(hour_ms) AS hour_ms, \(unsafeRaw: Self.sums(kind)) FROM \(rowsByHour) GROUP BY \(unsafeRaw: day) ORDER BY 1"
            ).all()
            return try rows.map { (try $0.decode(column: "hour_ms", as: Int64.self), try Self.counts($0)) }
        }
    }

    /// Sums per dimension value over local days [firstDay, lastDay], the busiest first.
    public func top(
        _ scope: Scope, dimension: StatsDimension, days: ClosedRange<Int64>, hitType: HitTypeFilter = .all, limit: Int
    ) async throws -> [(value: String, counts: StatsCounts)] {
        guard let members = membership(scope) else { return [] }
        let order: String
        switch hitType {
        case .all: order = scope.entity == .conversion ? "SUM(conversions)" : "SUM(clicks + views)"
        case .clicks: order = "SUM(clicks)"
        case .views: order = "SUM(views)"
        }
        let having: String
        switch hitType {
        case .all: having = ""
        case .clicks: having = "HAVING SUM(clicks) > 0"
        case .views: having = "HAVING SUM(views) > 0"
        }
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT value, \(unsafeRaw: Self.sums(database.kind)) FROM stats_daily WHERE \(members) AND dimension = \(bind: dimension.rawValue) \
                AND day >= \(bind: days.lowerBound) AND day <= \(bind: days.upperBound) \
                GROUP BY value \(unsafeRaw: having) ORDER BY \(unsafeRaw: order) DESC, value LIMIT \(bind: limit)
                """
            ).all()
            return try rows.map { (try $0.decode(column: "value", as: String.self), try Self.counts($0)) }
        }
    }

    /// Sums per entity over [from, to), for the summaries (one row per datapoint, group member or conversion).
    public func perEntity(_ scope: Scope, from: Int64, to: Int64) async throws -> [Int64: StatsCounts] {
        guard let source = try await frameSource(scope, from: from, to: to) else { return [:] }
        return try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT entity_id, \(unsafeRaw: Self.sums(database.kind)) FROM \(source.from) WHERE \(source.where) \
                AND hour_ms >= \(bind: from) AND hour_ms < \(bind: to) GROUP BY entity_id
                """
            ).all()
            var result: [Int64: StatsCounts] = [:]
            for row in rows { result[try row.decode(column: "entity_id", as: Int64.self)] = try Self.counts(row) }
            return result
        }
    }

    /// The account's time zone and where its statistics begin (`beginning`, `timeframeMinDate`): its creation, or its
    /// first hour with figures when imported history goes back further.
    public func accountClock(_ accountID: Int64) async throws -> (time: LocalTime, createdAt: Int64) {
        try await database.read { db in
            let row = try await db.raw(
                """
                SELECT time_zone, created_at, (SELECT MIN(hour_ms) FROM stats_hourly WHERE entity_kind = \(bind: StatsEntity.account.rawValue) \
                AND entity_id = \(bind: accountID)) AS first_hour FROM accounts WHERE id = \(bind: accountID)
                """
            ).first()
            let created = try row?.decode(column: "created_at", as: Int64.self) ?? 0
            let first = try row?.decode(column: "first_hour", as: Int64?.self) ?? nil
            return (LocalTime(identifier: try row?.decode(column: "time_zone", as: String.self) ?? "UTC"), min(created, first ?? created))
        }
    }
}
