import Foundation
import Logging
import SQLKit
import ServiceLifecycle
import TallyCore

/// Changes an account's time zone and re-buckets its daily roll-ups into the new local days without holding other
/// accounts' writes. The single-transaction rebuild (`StatsRebuilder`) locks `stats_daily` for as long as a large
/// account's history takes to group, and every batch of the hit writer waits behind it. Here:
///
/// 1. One short transaction sets the zone (the writer buckets new hits in it from then on) and records the account in
///    `stats_rebuckets`.
/// 2. The new days of everything older than `fence` (5 minutes before the start) are built into the staging table
///    `stats_daily_rebucket`, one short transaction per `chunk` of hits: they only read `hits` and write rows no
///    writer touches, and other accounts' batches are written between them.
/// 3. One short swap replaces the account's `stats_daily` rows with the staging rows plus the recent hits (after the
///    fence) grouped afresh. On PostgreSQL the swap takes the account row `FOR UPDATE` and the writer reads its
///    accounts `FOR KEY SHARE`, so a batch holding this account's hits waits for the swap alone and none is counted
///    twice; batches of other accounts do not wait at all.
///
/// The row in `stats_rebuckets` carries a lease (`runner`, `lease_until_ms`): one node works on an account at a time,
/// renewing its 7-second lease every 2 seconds while it works (and after each chunk); when it dies another takes over
/// once the lease has run out — within 9 seconds, as every node looks for waiting accounts every 2 seconds (the periodic
/// `run`, also after a restart). A hit older than the fence that is first committed after its chunk was built (a durable
/// buffer replayed after a crash mid-re-bucketing) is left out of the days until `clicktally stats rebuild`.
public actor StatsRebucketer: Service {
    let database: any TallyDatabase
    let clock: WallClock
    let logger: Logger
    /// Hits this long before the start are built in chunks; the newer ones in the swap (the writer's batches land
    /// within seconds, so nothing older is still in flight).
    let fence: Int64 = 5 * 60_000
    /// The span of hits one staging transaction groups.
    let chunk: Int64 = 6 * 3_600_000
    let lease: Int64 = 7_000
    /// How often a working node renews its lease, and every node looks for accounts whose node died.
    let heartbeat: Duration = .seconds(2)
    let runner = UUID().uuidString
    private var running: [Int64: (number: Int, task: Task<Void, any Error>)] = [:]
    private var scheduled = 0
    /// Called after each staging chunk with its number (tests hold the re-bucketing half-way with it).
    private var afterChunk: (@Sendable (Int) async -> Void)?

    /// What the resume interval and the lease's heartbeat run on (tests move it by hand).
    let timer: any Clock<Duration>

    public init(database: any TallyDatabase, clock: WallClock = .system, timer: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.timer = timer
        self.database = database
        self.clock = clock
        self.logger = logger
    }

    public func setAfterChunk(_ hook: (@Sendable (Int) async -> Void)?) { afterChunk = hook }

    /// Resumes accounts whose re-bucketing was interrupted (a restart, a node that died) every `heartbeat`.
    public func run() async throws {
        await runPeriodically(every: heartbeat, on: timer, logger: logger, what: "time-zone re-bucketing") { try await self.runPending() }
    }

    /// Sets the zone and re-buckets; returns when the account's days are in the new zone. The work runs in its own
    /// task, so a client that hangs up does not stop it half-way.
    public func change(accountID: Int64, to identifier: String) async throws {
        _ = try StatsRebuilder.zone(identifier)
        let now = clock.now()
        try await database.transaction { db in
            try await db.update("accounts").set("time_zone", to: identifier).where("id", .equal, accountID).run()
            try await db.raw(
                """
                INSERT INTO stats_rebuckets (account_id, requested_ms) VALUES (\(bind: accountID), \(bind: now)) \
                ON CONFLICT (account_id) DO UPDATE SET requested_ms = excluded.requested_ms
                """
            ).run()
        }
        try await schedule(accountID).value
    }

    /// Every account waiting for its re-bucketing that no live node is working on.
    public func runPending() async throws {
        let now = clock.now()
        let waiting = try await database.read { db in
            try await db.raw("SELECT account_id FROM stats_rebuckets WHERE lease_until_ms < \(bind: now) OR runner = \(bind: runner)")
                .all(decodingColumn: "account_id", as: Int64.self)
        }
        for account in waiting { try await schedule(account).value }
    }

    /// One task per account at a time: a second change waits for the first and then runs again in its zone. A finished
    /// task leaves the table, so it holds only the accounts being worked on.
    private func schedule(_ accountID: Int64) -> Task<Void, any Error> {
        let previous = running[accountID]?.task
        scheduled += 1
        let number = scheduled
        let task = Task {
            _ = try? await previous?.value
            do {
                try await self.rebucket(accountID)
            } catch {
                self.finished(accountID, number)
                throw error
            }
            self.finished(accountID, number)
        }
        running[accountID] = (number, task)
        return task
    }

    private func finished(_ accountID: Int64, _ number: Int) {
        if running[accountID]?.number == number { running[accountID] = nil }
    }

    /// Works on the account while a child task keeps its lease alive (a chunk of a large account may take longer than
    /// the lease).
    private func rebucket(_ accountID: Int64) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    try await self.timer.sleep(for: self.heartbeat, tolerance: nil)
                    try await self.renew(accountID)
                }
            }
            defer { group.cancelAll() }
            try await self.rebucketLeased(accountID)
        }
    }

    private func rebucketLeased(_ accountID: Int64) async throws {
        while let requested = try await claim(accountID) {
            let zoneName = try await database.read { db in
                try await db.select().column("time_zone").from("accounts").where("id", .equal, accountID).first(
                    decodingColumn: "time_zone", as: String.self)
            }
            guard let zoneName, let zone = StatsRebuilder.validZone(zoneName) else { return try await finish(accountID, requested: requested) }
            let fence = clock.now() - self.fence
            let entities = StatsRebucketSQL(accountID: accountID)
            try await database.transaction { db in try await db.raw(SQLQueryString(entities.delete(from: "stats_daily_rebucket"))).run() }
            let first = try await database.read { db in try await entities.firstEvent(in: db) }
            var number = 0
            for (from, to, offset) in LocalTime(zone: zone).periods(from: first ?? fence, to: fence) {
                var start = from
                while start < to {
                    let end = min(to, start + chunk)
                    let sql = StatsRebuildSQL(
                        kind: database.kind, accountID: accountID, from: start, to: end, offset: offset, dailyTable: "stats_daily_rebucket")
                    try await database.transaction { db in
                        for statement in sql.dailyStatements() + sql.conversionStatements() { try await db.raw(SQLQueryString(statement)).run() }
                    }
                    start = end
                    number += 1
                    try await renew(accountID)
                    await afterChunk?(number)
                }
            }
            if try await swap(accountID, zoneName: zoneName, zone: zone, fence: fence) {
                try await finish(accountID, requested: requested)
                logger.info("time-zone re-bucketing done", metadata: ["account": "\(accountID)", "zone": "\(zoneName)", "chunks": "\(number)"])
            }
        }
    }

    /// Takes or renews the account's lease; nil when there is nothing to do or another live node has it.
    private func claim(_ accountID: Int64) async throws -> Int64? {
        let now = clock.now()
        return try await database.transaction { db in
            try await db.raw(
                """
                UPDATE stats_rebuckets SET runner = \(bind: runner), lease_until_ms = \(bind: now + lease) \
                WHERE account_id = \(bind: accountID) AND (lease_until_ms < \(bind: now) OR runner = \(bind: runner)) RETURNING requested_ms
                """
            ).first(decodingColumn: "requested_ms", as: Int64.self)
        }
    }

    private func renew(_ accountID: Int64) async throws {
        let until = clock.now() + lease
        try await database.transaction { db in
            try await db.raw(
                "UPDATE stats_rebuckets SET lease_until_ms = \(bind: until) WHERE account_id = \(bind: accountID) AND runner = \(bind: runner)"
            ).run()
        }
    }

    /// Done unless the zone was changed again meanwhile: then the next round of `rebucket` builds it.
    private func finish(_ accountID: Int64, requested: Int64) async throws {
        try await database.transaction { db in
            try await db.raw(
                "DELETE FROM stats_rebuckets WHERE account_id = \(bind: accountID) AND requested_ms = \(bind: requested) AND runner = \(bind: runner)"
            ).run()
            try await db.raw(SQLQueryString(StatsRebucketSQL(accountID: accountID).delete(from: "stats_daily_rebucket"))).run()
        }
    }

    /// The account's rows replaced in one short transaction; false when the zone changed since the staging was built.
    private func swap(_ accountID: Int64, zoneName: String, zone: TimeZone, fence: Int64) async throws -> Bool {
        let kind = database.kind
        let now = clock.now()
        return try await database.transaction { db in
            let lock = kind == .postgres ? " FOR UPDATE" : ""
            let select = "SELECT time_zone FROM accounts WHERE id = \(accountID)\(lock)"
            let current = try await db.raw(SQLQueryString(select))
                .first(decodingColumn: "time_zone", as: String.self)
            guard current == zoneName else { return false }
            let entities = StatsRebucketSQL(accountID: accountID)
            try await db.raw(SQLQueryString(entities.delete(from: "stats_daily"))).run()
            try await db.raw(SQLQueryString(entities.copyStaging())).run()
            for (from, to, offset) in LocalTime(zone: zone).periods(from: fence, to: now + LocalTime.dayMilliseconds) {
                let sql = StatsRebuildSQL(kind: kind, accountID: accountID, from: from, to: to, offset: offset)
                for statement in sql.dailyStatements() + sql.conversionStatements() { try await db.raw(SQLQueryString(statement)).run() }
            }
            return true
        }
    }
}

/// The daily rows of one account's entities (the account, its datapoints, its conversion goals). Only the account's
/// id is written into the text.
struct StatsRebucketSQL {
    let accountID: Int64

    var condition: String {
        """
        dimension IN (\(StatsDimension.allCases.map { String($0.rawValue) }.joined(separator: ", "))) AND \
        ((entity_kind = \(StatsEntity.account.rawValue) AND entity_id = \(accountID)) \
        OR (entity_kind = \(StatsEntity.datapoint.rawValue) AND entity_id IN (SELECT id FROM datapoints WHERE account_id = \(accountID))) \
        OR (entity_kind = \(StatsEntity.conversion.rawValue) AND entity_id IN (SELECT id FROM conversions WHERE account_id = \(accountID))))
        """
    }

    func delete(from table: String) -> String { "DELETE FROM \(table) WHERE \(condition)" }

    /// The time of the account's first hit or conversion event: where re-bucketing starts.
    func firstEvent(in db: any SQLDatabase) async throws -> Int64? {
        try await db.raw(
            """
            SELECT MIN(t) AS t FROM (SELECT MIN(time_ms) AS t FROM hits WHERE account_id = \(bind: accountID) UNION ALL \
            SELECT MIN(time_ms) AS t FROM conversion_events WHERE account_id = \(bind: accountID)) AS firsts
            """
        ).first(decodingColumn: "t", as: Int64?.self) ?? nil
    }

    func copyStaging() -> String {
        let columns = "entity_kind, entity_id, dimension, day, value, \(StatsRebuildSQL.counterColumns)"
        return """
            INSERT INTO stats_daily (\(columns)) SELECT \(columns) FROM stats_daily_rebucket WHERE \(condition) \
            \(StatsRebuildSQL.adding("entity_kind, entity_id, dimension, day, value", table: "stats_daily"))
            """
    }
}
