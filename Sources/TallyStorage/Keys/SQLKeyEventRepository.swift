import SQLKit
import TallyCore

/// The usage log, alerts and audit log of API keys.
public struct SQLKeyEventRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Adds counts of refused requests that named no key (see `FailureCounter`), per minute and status.
    public func addFailures(_ counts: [FailureCounter.Slot: Int64]) async throws {
        guard !counts.isEmpty else { return }
        try await database.transaction { db in
            for (slot, count) in counts {
                try await db.raw(
                    """
                    INSERT INTO api_failures (minute_ms, status, count) VALUES (\(bind: slot.minute), \(bind: slot.status), \(bind: count)) \
                    ON CONFLICT (minute_ms, status) DO UPDATE SET count = api_failures.count + \(bind: count)
                    """
                ).run()
            }
        }
    }

    /// A request that named a key, stored (its key's usage and requests pages read it). One that named none is only
    /// counted (`FailureCounter`), so a flood of them stays a few rows.
    public func record(_ request: APIRequestRecord) async throws {
        try await database.transaction { db in
            try await db.insert(into: "api_requests")
                .columns(
                    "account_id", "key_id", "time_ms", "method", "route", "status", "latency_us", "client_ip", "key_in_query",
                    "used_previous_secret"
                )
                .values(
                    request.accountID, request.keyID, request.time, request.method, request.route, request.status,
                    request.latencyMicroseconds, request.clientIP, request.keyInQuery, request.usedPreviousSecret
                )
                .run()
        }
    }

    /// Refused requests that named no key, per status, since `from`.
    public func unauthenticatedFailures(from: Int64) async throws -> [Int: Int64] {
        try await database.read { db in
            var counts: [Int: Int64] = [:]
            for row in try await db.raw(
                "SELECT status, CAST(SUM(count) AS BIGINT) AS n FROM api_failures WHERE minute_ms >= \(bind: from) GROUP BY status"
            ).all() {
                counts[try row.decode(column: "status", as: Int.self)] = try row.decode(column: "n", as: Int64.self)
            }
            return counts
        }
    }

    /// Deletes usage rows older than `cutoff`, at most `batch` at a time (short transactions: writers never wait long);
    /// returns how many went.
    public func prune(before cutoff: Int64, batch: Int = 1_000) async throws -> Int {
        var total = 0
        while true {
            let removed = try await database.transaction { db in
                // Another node is pruning (PostgreSQL): this round leaves the rest to it.
                guard try await ClusterJobLock.requestLogPruning.take(in: db) else { return -1 }
                let ids = try await db.raw("SELECT id FROM api_requests WHERE time_ms < \(bind: cutoff) ORDER BY time_ms LIMIT \(bind: batch)")
                    .all(decodingColumn: "id", as: Int64.self)
                if !ids.isEmpty { try await db.delete(from: "api_requests").where("id", .in, ids).run() }
                try await db.delete(from: "api_failures").where("minute_ms", .lessThan, cutoff).run()
                return ids.count
            }
            guard removed >= 0 else { return total }
            total += removed
            if removed < batch { return total }
        }
    }

    /// Most recent first; `before` is the id cursor of the previous page.
    public func requests(keyID: Int64, before: Int64?, limit: Int) async throws -> [(id: Int64, record: APIRequestRecord)] {
        try await database.read { db in
            var query = db.select().columns("*").from("api_requests").where("key_id", .equal, keyID)
            if let before { query = query.where("id", .lessThan, before) }
            return try await query.orderBy("id", .descending).limit(limit).all().map { row in
                (
                    try row.decode(column: "id", as: Int64.self),
                    APIRequestRecord(
                        accountID: try row.decode(column: "account_id", as: Int64?.self), keyID: try row.decode(column: "key_id", as: Int64?.self),
                        time: try row.decode(column: "time_ms", as: Int64.self), method: try row.decode(column: "method", as: String.self),
                        route: try row.decode(column: "route", as: String.self), status: try row.decode(column: "status", as: Int.self),
                        latencyMicroseconds: try row.decode(column: "latency_us", as: Int64.self),
                        clientIP: try row.decode(column: "client_ip", as: String.self),
                        keyInQuery: try row.decode(column: "key_in_query", as: Bool.self),
                        usedPreviousSecret: try row.decode(column: "used_previous_secret", as: Bool.self))
                )
            }
        }
    }

    /// The distinct addresses a key has been used from (most recent first, at most `limit`).
    public func clientIPs(keyID: Int64, limit: Int = 10_000) async throws -> [String] {
        try await database.read { db in
            try await db.select().distinct().column("client_ip").from("api_requests").where("key_id", .equal, keyID).limit(limit)
                .all(decodingColumn: "client_ip", as: String.self)
        }
    }

    public struct UsageRow: Sendable, Equatable {
        public let bucketStart: Int64
        public let route: String
        public let statusClass: String
        public let count: Int
    }

    /// Request counts by time bucket, route and status class (`2xx`, `4xx`, …) in `[from, to)`.
    public func usage(keyID: Int64, from: Int64, to: Int64, bucketMilliseconds: Int64) async throws -> [UsageRow] {
        let rows = try await database.read { db in
            try await db.select().columns("time_ms", "route", "status").from("api_requests")
                .where("key_id", .equal, keyID).where("time_ms", .greaterThanOrEqual, from).where("time_ms", .lessThan, to)
                .all()
        }
        var counts: [String: (Int64, String, String, Int)] = [:]
        for row in rows {
            let time = try row.decode(column: "time_ms", as: Int64.self)
            let bucket = time - ((time % bucketMilliseconds) + bucketMilliseconds) % bucketMilliseconds
            let route = try row.decode(column: "route", as: String.self)
            let statusClass = "\(try row.decode(column: "status", as: Int.self) / 100)xx"
            let key = "\(bucket) \(route) \(statusClass)"
            counts[key, default: (bucket, route, statusClass, 0)].3 += 1
        }
        return counts.values.map { UsageRow(bucketStart: $0.0, route: $0.1, statusClass: $0.2, count: $0.3) }
            .sorted { ($0.bucketStart, $0.route, $0.statusClass) < ($1.bucketStart, $1.route, $1.statusClass) }
    }

    public func add(_ alert: KeyAlert) async throws {
        try await database.transaction { db in try await add(alert, in: db) }
    }

    public func add(_ alert: KeyAlert, in db: any SQLDatabase) async throws {
        try await db.insert(into: "alerts").columns("account_id", "key_id", "kind", "message", "client_ip", "created_at")
            .values(alert.accountID, alert.keyID, alert.kind.rawValue, alert.message, alert.clientIP, alert.createdAt).run()
        // `alert.raised` for the account's webhooks, in the same transaction.
        if let accountID = alert.accountID {
            try await WebhookOutbox.enqueue(
                accountID: accountID, event: .alertRaised, subject: "alerts", payload: WebhookPayloads.alert(alert), now: alert.createdAt, in: db)
        }
    }

    /// Adds the alert unless the same one (key, kind, message) was raised since `since` — by another node, when several
    /// share the database; true when it was added. Two nodes at the very same moment may both add it.
    public func addUnlessRecent(_ alert: KeyAlert, since: Int64) async throws -> Bool {
        try await database.transaction { db in
            let recent =
                try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM alerts WHERE key_id = \(bind: alert.keyID) AND kind = \(bind: alert.kind.rawValue) \
                    AND message = \(bind: alert.message) AND created_at >= \(bind: since)
                    """
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            guard recent == 0 else { return false }
            try await add(alert, in: db)
            return true
        }
    }

    public func alerts(accountID: Int64, limit: Int = 100) async throws -> [KeyAlert] {
        try await database.read { db in
            try await db.select().columns("*").from("alerts").where("account_id", .equal, accountID).orderBy("id", .descending).limit(limit)
                .all().map { row in
                    KeyAlert(
                        id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64?.self),
                        keyID: try row.decode(column: "key_id", as: Int64?.self),
                        kind: KeyAlert.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .failedAttempts,
                        message: try row.decode(column: "message", as: String.self), clientIP: try row.decode(column: "client_ip", as: String.self),
                        createdAt: try row.decode(column: "created_at", as: Int64.self),
                        acknowledgedAt: try row.decode(column: "acknowledged_at", as: Int64?.self))
                }
        }
    }

    /// Marks an alert of the account as seen; `false` when there is no such alert.
    public func acknowledge(alertID: Int64, accountID: Int64, at time: Int64) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("id").from("alerts").where("id", .equal, alertID).where("account_id", .equal, accountID).first() != nil
            else { return false }
            try await db.update("alerts").set("acknowledged_at", to: time).where("id", .equal, alertID).where("acknowledged_at", .is, SQLLiteral.null)
                .run()
            return true
        }
    }

    public func add(_ entry: AuditEntry, in db: any SQLDatabase) async throws {
        try await db.insert(into: "audit_log").columns("account_id", "key_id", "event", "actor", "client_ip", "details", "created_at")
            .values(entry.accountID, entry.keyID, entry.event, entry.actor, entry.clientIP, entry.details, entry.createdAt).run()
    }

    public func audit(accountID: Int64, limit: Int = 100) async throws -> [AuditEntry] {
        try await database.read { db in
            try await db.select().columns("*").from("audit_log").where("account_id", .equal, accountID).orderBy("id", .descending).limit(limit)
                .all().map { row in
                    AuditEntry(
                        accountID: try row.decode(column: "account_id", as: Int64?.self), keyID: try row.decode(column: "key_id", as: Int64?.self),
                        event: try row.decode(column: "event", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                        clientIP: try row.decode(column: "client_ip", as: String.self), details: try row.decode(column: "details", as: String.self),
                        createdAt: try row.decode(column: "created_at", as: Int64.self))
                }
        }
    }
}
