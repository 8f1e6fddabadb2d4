import Foundation
import SQLKit
import TallyCore

/// Recomputes roll-ups from the raw hits and conversion events in one transaction (hourly rows are UTC and stay when
/// only the days move). Each stretch of constant UTC offset is one pass, so summer time is exact. On PostgreSQL it
/// locks the roll-up tables, so it serves `clicktally stats rebuild` (maintenance) and the tests' reference; a time-zone
/// change of a running server goes through `StatsRebucketer`, which holds no other account's writes.
public struct StatsRebuilder: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public static func validZone(_ identifier: String) -> TimeZone? {
        guard !identifier.isEmpty, identifier.utf8.count <= 64 else { return nil }
        return TimeZone(identifier: identifier)
    }

    /// The zone, or the 400 every way of setting it answers.
    static func zone(_ identifier: String) throws(ValidationError) -> TimeZone {
        guard let zone = validZone(identifier) else {
            throw ValidationError(
                field: "timezonename", code: "time_zone_invalid", message: "timezonename must be an IANA time zone such as Europe/Rome")
        }
        return zone
    }

    public func setTimeZone(accountID: Int64, identifier: String, now: Int64) async throws {
        try await rebuild(accountID: accountID, zone: identifier, now: now, hourly: false)
    }

    /// Every roll-up of every account recomputed from the raw hits and conversion events (`clicktally stats rebuild`:
    /// after loading hits directly into the database, or to check the incremental roll-ups).
    public func rebuildAll(now: Int64) async throws -> Int {
        let accounts = try await database.read { db in
            try await db.select().columns("id", "time_zone").from("accounts").orderBy("id").all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "time_zone", as: String.self))
            }
        }
        for (id, zone) in accounts { try await rebuild(accountID: id, zone: zone, now: now, hourly: true) }
        if database.kind == .postgres {
            // Every roll-up was written again: PostgreSQL's planner would otherwise plan with the statistics of the tables
            // before (empty after a load), until autovacuum analyses them. On the million-link set the dashboard's links
            // page read a month of every link's rows by the hour index meanwhile: 85 against 23 ms.
            try await database.transaction { db in try await db.raw("ANALYZE stats_hourly, stats_daily").run() }
        }
        return accounts.count
    }

    func rebuild(accountID: Int64, zone identifier: String, now: Int64, hourly: Bool) async throws {
        let zone = try Self.zone(identifier)
        try await database.transaction { db in
            if database.kind == .postgres {
                // Writers add to these rows in their own transactions: wait for them, and hold them off until the new rows are in.
                try await db.raw("LOCK TABLE stats_daily, stats_hourly IN EXCLUSIVE MODE").run()
                // Each pass groups millions of hits into millions of (entity, day, value) rows: with the default 4 MB
                // the aggregate spills to temporary files and a rebuild takes several times as long.
                try await db.raw("SET LOCAL work_mem = '256MB'").run()
            }
            if hourly {
                try await db.raw(
                    """
                    DELETE FROM stats_hourly WHERE (entity_kind IN (\(bind: StatsEntity.account.rawValue), \(bind: StatsEntity.accountLinks.rawValue), \
                    \(bind: StatsEntity.accountPixels.rawValue)) AND entity_id = \(bind: accountID)) \
                    OR (entity_kind = \(bind: StatsEntity.datapoint.rawValue) AND entity_id IN (SELECT id FROM datapoints WHERE account_id = \(bind: accountID))) \
                    OR (entity_kind = \(bind: StatsEntity.conversion.rawValue) AND entity_id IN (SELECT id FROM conversions WHERE account_id = \(bind: accountID))) \
                    OR (entity_kind = \(bind: StatsEntity.group.rawValue) AND entity_id IN (SELECT id FROM link_groups WHERE account_id = \(bind: accountID)))
                    """
                ).run()
                let whole = StatsRebuildSQL(kind: database.kind, accountID: accountID, from: 0, to: Int64.max, offset: 0)
                for statement in whole.hourlyStatements() + whole.conversionHourlyStatements() + whole.importedHourlyStatements()
                    + [StatsRebuildSQL.typeTotalsStatement(accountID: accountID), StatsRebuildSQL.groupTotalsStatement(accountID: accountID)]
                {
                    try await db.raw(SQLQueryString(statement)).run()
                }
            }
            try await db.update("accounts").set("time_zone", to: identifier).where("id", .equal, accountID).run()
            try await db.raw(SQLQueryString(StatsRebucketSQL(accountID: accountID).delete(from: "stats_daily"))).run()
            let first = try await StatsRebucketSQL(accountID: accountID).firstEvent(in: db)
            guard let first else { return }
            for (from, to, offset) in LocalTime(zone: zone).periods(from: first, to: now + LocalTime.dayMilliseconds) {
                let sql = StatsRebuildSQL(kind: database.kind, accountID: accountID, from: from, to: to, offset: offset)
                let datapoints = sql.dailyStatements(entities: [(.datapoint, "datapoint_id")])
                for statement in datapoints + sql.conversionStatements() {
                    try await db.raw(SQLQueryString(statement)).run()
                }
            }
            try await db.raw(SQLQueryString(StatsRebuildSQL.accountDailyFromDatapoints(accountID: accountID))).run()
        }
    }
}

extension StatsRebuildSQL {
    /// A conversion goal's daily rows (which link, which group) from its events.
    func conversionStatements() -> [String] {
        let day = "(e.time_ms + \(offset)) / 86400000"
        let counters = """
            0, 0, 0, 0, 0, 0, COUNT(*), SUM(CASE WHEN e.is_unique THEN 1 ELSE 0 END), SUM(CASE WHEN e.converts_click THEN 1 ELSE 0 END), \
            SUM(e.value), SUM(e.commission), MAX(e.time_ms)
            """
        var conditions = ["e.time_ms >= \(from)", "e.time_ms < \(to)"]
        if let accountID { conditions.append("e.account_id = \(accountID)") }
        let filter = conditions.joined(separator: " AND ")
        let byValue: [(StatsDimension, String)] = [
            (.datapoint, "COALESCE(CAST(e.datapoint_id AS TEXT), '')"), (.group, "COALESCE(CAST(d.group_id AS TEXT), '')"),
        ]
        return byValue.map { dimension, value in
            """
            INSERT INTO \(dailyTable) (entity_kind, entity_id, dimension, day, value, \(Self.counterColumns)) \
            SELECT \(StatsEntity.conversion.rawValue), e.conversion_id, \(dimension.rawValue), \(day), \(value), \(counters) \
            FROM conversion_events e LEFT JOIN datapoints d ON d.id = e.datapoint_id WHERE \(filter) \
            GROUP BY e.conversion_id, \(day), \(value) \
            \(Self.adding("entity_kind, entity_id, dimension, day, value", table: dailyTable))
            """
        }
    }
}
