import TallyCore

/// Roll-ups recomputed from the raw hits with `INSERT … SELECT … GROUP BY`: by migration 007 (every account on
/// UTC), by `StatsRebuilder` when an account changes time zone, and by the statistics benchmark. Only integers
/// are written into the text (ids, times, offsets), never input.
struct StatsRebuildSQL {
    let kind: DatabaseKind
    /// `nil`: every account.
    let accountID: Int64?
    /// Hits with `from <= time_ms < to`.
    let from: Int64
    let to: Int64
    /// The account's UTC offset in milliseconds throughout [from, to).
    let offset: Int64
    /// Where daily rows go: `stats_daily`, or the staging copy a background re-bucketing builds in.
    var dailyTable = "stats_daily"

    static let counterColumns =
        "clicks, views, unique_clicks, unique_views, spider_clicks, spider_views, conversions, unique_conversions, converted_clicks, "
        + "conversion_value, commission, last_hit_ms"

    /// `counterColumns`, one name each.
    static let counterNames = counterColumns.split(separator: ",").map { $0.filter { $0 != " " } }

    static let hitCounters = """
        SUM(CASE WHEN kind = 0 THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 1 THEN 1 ELSE 0 END), \
        SUM(CASE WHEN kind = 0 AND is_unique THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 1 AND is_unique THEN 1 ELSE 0 END), \
        SUM(CASE WHEN kind = 0 AND is_spider THEN 1 ELSE 0 END), SUM(CASE WHEN kind = 1 AND is_spider THEN 1 ELSE 0 END), \
        0, 0, 0, 0, 0, MAX(time_ms)
        """

    /// Adds to an existing row: a local day can span two offset periods, so two statements may meet on one key.
    static func adding(_ key: String, table: String) -> String {
        let sets = counterNames.map { column in
            column == "last_hit_ms"
                ? "last_hit_ms = CASE WHEN excluded.last_hit_ms > \(table).last_hit_ms THEN excluded.last_hit_ms ELSE \(table).last_hit_ms END"
                : "\(column) = \(table).\(column) + excluded.\(column)"
        }
        return "ON CONFLICT (\(key)) DO UPDATE SET " + sets.joined(separator: ", ")
    }

    var filter: String {
        var conditions = ["time_ms >= \(from)", "time_ms < \(to)"]
        if let accountID { conditions.append("account_id = \(accountID)") }
        return conditions.joined(separator: " AND ")
    }

    func major(_ column: String) -> String {
        switch kind {
        case .sqlite: "(CASE WHEN instr(\(column), '.') > 0 THEN substr(\(column), 1, instr(\(column), '.') - 1) ELSE \(column) END)"
        case .postgres: "split_part(\(column), '.', 1)"
        }
    }

    func familyAndMajor(_ family: String, _ version: String) -> String {
        "(CASE WHEN \(family) = '' THEN '' WHEN \(major(version)) = '' THEN \(family) ELSE \(family) || ' ' || \(major(version)) END)"
    }

    /// The SQL twin of `StatsDimension.value(of:)`.
    func valueExpression(_ dimension: StatsDimension) -> String {
        switch dimension {
        case .country: "country"
        case .city: "(CASE WHEN city = '' THEN '' ELSE country || '/' || city END)"
        case .browserFamily: "browser"
        case .browser: familyAndMajor("browser", "browser_version")
        case .osFamily: "os"
        case .os: familyAndMajor("os", "os_version")
        case .device: "device_type"
        case .referrer: "referrer_domain"
        case .language: "language"
        case .source: "source"
        case .datapoint, .group: "''"
        }
    }

    /// Conversion counters per hour for the goal, the account and the credited link.
    func conversionHourlyStatements() -> [String] {
        var conditions = ["time_ms >= \(from)", "time_ms < \(to)"]
        if let accountID { conditions.append("account_id = \(accountID)") }
        let counters = """
            0, 0, 0, 0, 0, 0, COUNT(*), SUM(CASE WHEN is_unique THEN 1 ELSE 0 END), SUM(CASE WHEN converts_click THEN 1 ELSE 0 END), \
            SUM(value), SUM(commission), MAX(time_ms)
            """
        let entities: [(StatsEntity, String, String)] = [
            (.conversion, "conversion_id", ""), (.account, "account_id", ""), (.datapoint, "datapoint_id", " AND datapoint_id IS NOT NULL"),
        ]
        return entities.map { entity, column, extra in
            """
            INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, \(Self.counterColumns)) \
            SELECT \(entity.rawValue), \(column), time_ms - (time_ms % 3600000), \(counters) \
            FROM conversion_events WHERE \(conditions.joined(separator: " AND "))\(extra) GROUP BY time_ms - (time_ms % 3600000), \(column) \
            ORDER BY time_ms - (time_ms % 3600000), \(column) \
            \(Self.adding("entity_kind, entity_id, hour_ms", table: "stats_hourly"))
            """
        }
    }

    static let hitEntities: [(StatsEntity, String)] = [(.datapoint, "datapoint_id"), (.account, "account_id")]

    /// Hourly rows of hits: UTC hours, so one pass whatever the zone. Written hour by hour, as live traffic writes them:
    /// a frame's rows then sit together in PostgreSQL's heap (in datapoint order, a week of a 30-day table was spread
    /// over every page, and a summary by clicks read 6,089 pages for 94,000 rows), and SQLite's table, clustered by
    /// hour, is filled in its key order.
    func hourlyStatements() -> [String] {
        Self.hitEntities.map { entity, idColumn in
            """
            INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, \(Self.counterColumns)) \
            SELECT \(entity.rawValue), \(idColumn), time_ms - (time_ms % 3600000), \(Self.hitCounters) \
            FROM hits WHERE \(filter) GROUP BY time_ms - (time_ms % 3600000), \(idColumn) \
            ORDER BY time_ms - (time_ms % 3600000), \(idColumn) \(Self.adding("entity_kind, entity_id, hour_ms", table: "stats_hourly"))
            """
        }
    }

    /// The account's per-type hourly rows, summed from its datapoints' hourly rows (run after those are complete).
    static func typeTotalsStatement(accountID: Int64?) -> String {
        let account = accountID.map { " AND d.account_id = \($0)" } ?? ""
        return """
            INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, \(counterColumns)) \
            SELECT CASE WHEN d.type = \(DatapointType.trackingLink.rawValue) THEN \(StatsEntity.accountLinks.rawValue) \
            ELSE \(StatsEntity.accountPixels.rawValue) END, d.account_id, h.hour_ms, \(summed(from: "h.")) \
            FROM stats_hourly h JOIN datapoints d ON d.id = h.entity_id WHERE h.entity_kind = \(StatsEntity.datapoint.rawValue)\(account) \
            GROUP BY h.hour_ms, d.type, d.account_id ORDER BY h.hour_ms, d.type, d.account_id \
            \(adding("entity_kind, entity_id, hour_ms", table: "stats_hourly"))
            """
    }

    /// The groups' hourly rows, summed from their datapoints' hourly rows whatever their status (run after those are
    /// complete).
    static func groupTotalsStatement(accountID: Int64?) -> String {
        let account = accountID.map { " AND d.account_id = \($0)" } ?? ""
        return """
            INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, \(counterColumns)) \
            SELECT \(StatsEntity.group.rawValue), d.group_id, h.hour_ms, \(summed(from: "h.")) \
            FROM stats_hourly h JOIN datapoints d ON d.id = h.entity_id WHERE h.entity_kind = \(StatsEntity.datapoint.rawValue) \
            AND d.group_id IS NOT NULL\(account) GROUP BY h.hour_ms, d.group_id ORDER BY h.hour_ms, d.group_id \
            \(adding("entity_kind, entity_id, hour_ms", table: "stats_hourly"))
            """
    }

    /// Hourly rows an import brought (`SQLImportedHistory`), added back after the hits' own.
    func importedHourlyStatements() -> [String] {
        var conditions = ["hour_ms >= \(from)", "hour_ms < \(to)"]
        if let accountID { conditions.append("account_id = \(accountID)") }
        let filter = conditions.joined(separator: " AND ")
        return [
            """
            INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, \(Self.counterColumns)) \
            SELECT entity_kind, entity_id, hour_ms, \(Self.counterColumns) FROM stats_imported WHERE \(filter) \
            \(Self.adding("entity_kind, entity_id, hour_ms", table: "stats_hourly"))
            """,
            """
            INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, \(Self.counterColumns)) \
            SELECT \(StatsEntity.account.rawValue), account_id, hour_ms, \(Self.summedCounters) FROM stats_imported \
            WHERE \(filter) GROUP BY account_id, hour_ms \
            \(Self.adding("entity_kind, entity_id, hour_ms", table: "stats_hourly"))
            """,
        ]
    }

    static let summedCounters = summed(from: "")

    /// Each counter column summed (the last hit's time: its maximum), `prefix` naming the table (`h.`) when joined.
    static func summed(from prefix: String) -> String {
        counterNames.map { name in name == "last_hit_ms" ? "MAX(\(prefix)last_hit_ms)" : "SUM(\(prefix)\(name))" }.joined(separator: ", ")
    }

    /// Daily rows of hits per dimension, in local days at this stretch's `offset`, for `entities` (by default the
    /// datapoints and the account, each a pass over the hits per dimension).
    func dailyStatements(entities: [(StatsEntity, String)] = hitEntities) -> [String] {
        let day = "(time_ms + \(offset)) / 86400000"
        return entities.flatMap { entity, idColumn in
            StatsDimension.hitDimensions.map { dimension in
                let value = valueExpression(dimension)
                return """
                    INSERT INTO \(dailyTable) (entity_kind, entity_id, dimension, day, value, \(Self.counterColumns)) \
                    SELECT \(entity.rawValue), \(idColumn), \(dimension.rawValue), \(day), \(value), \(Self.hitCounters) \
                    FROM hits WHERE \(filter) GROUP BY \(idColumn), \(day), \(value) \
                    \(Self.adding("entity_kind, entity_id, dimension, day, value", table: dailyTable))
                    """
            }
        }
    }

    /// The account's daily hit rows summed from its datapoints' daily rows (run once they are complete, all periods):
    /// one pass over those rows instead of ten over the hits. A hit counts for its account exactly when it counts for a
    /// datapoint of that account, so the sums are the same rows (the rebuild tests compare them with the live ones).
    static func accountDailyFromDatapoints(accountID: Int64) -> String {
        let dimensions = StatsDimension.hitDimensions.map { String($0.rawValue) }.joined(separator: ", ")
        return """
            INSERT INTO stats_daily (entity_kind, entity_id, dimension, day, value, \(counterColumns)) \
            SELECT \(StatsEntity.account.rawValue), \(accountID), s.dimension, s.day, s.value, \(summed(from: "s.")) \
            FROM stats_daily s WHERE s.entity_kind = \(StatsEntity.datapoint.rawValue) AND s.dimension IN (\(dimensions)) \
            AND s.entity_id IN (SELECT id FROM datapoints WHERE account_id = \(accountID)) \
            GROUP BY s.dimension, s.day, s.value ORDER BY s.dimension, s.day, s.value \
            \(adding("entity_kind, entity_id, dimension, day, value", table: "stats_daily"))
            """
    }
}
