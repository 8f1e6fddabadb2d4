import SQLKit
import TallyCore

/// The durable outbox of event webhooks. An event is written here — in the transaction of the change that caused it,
/// where there is one — as one row per enabled webhook of the account subscribed to it, so nothing is lost when the
/// server stops or the receiver is down. Any node delivers: `claim` takes due rows by moving their next attempt past
/// a lease (one conditional UPDATE each, so two nodes never send the same row at once), oldest first and only the
/// oldest pending row of a webhook and subject (a link's events arrive in order).
public struct WebhookOutbox: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Queues `event`, inside the caller's transaction, for every enabled webhook of the account that subscribed to it
    /// (none: nothing written).
    public static func enqueue(accountID: Int64, event: WebhookEvent, subject: String, payload: String, now: Int64, in db: any SQLDatabase)
        async throws
    {
        try await db.raw(
            """
            INSERT INTO webhook_outbox (webhook_id, account_id, event, subject, payload, created_at, next_attempt_at) \
            SELECT id, account_id, \(bind: event.rawValue), \(bind: subject), \(bind: payload), \(bind: now), \(bind: now) FROM webhooks \
            WHERE account_id = \(bind: accountID) AND \(subscribers(of: event))
            """
        ).run()
    }

    /// Queues in a transaction of its own (after a change that had none to share).
    public func enqueue(accountID: Int64, event: WebhookEvent, subject: String, payload: String, now: Int64) async throws {
        try await database.transaction { db in
            try await Self.enqueue(accountID: accountID, event: event, subject: subject, payload: payload, now: now, in: db)
        }
    }

    /// The accounts among `accountIDs` with an enabled webhook for `event` (so a writer builds payloads only for them).
    static func subscribed(_ accountIDs: [Int64], to event: WebhookEvent, in db: any SQLDatabase) async throws -> Set<Int64> {
        guard !accountIDs.isEmpty else { return [] }
        let ids = SQLList(accountIDs.map { SQLBind($0) })
        return Set(
            try await db.raw("SELECT DISTINCT account_id FROM webhooks WHERE account_id IN (\(ids)) AND \(subscribers(of: event))")
                .all(decodingColumn: "account_id", as: Int64.self))
    }

    /// The condition on `webhooks` rows that take `event`: enabled, with the event in their comma-separated list.
    static func subscribers(of event: WebhookEvent) -> SQLQueryString {
        "enabled = \(bind: true) AND (',' || events || ',') LIKE \(bind: "%," + event.rawValue + ",%")"
    }

    /// Up to `limit` due messages, each leased to this caller until `now + lease`.
    public func claim(now: Int64, limit: Int, lease: Int64) async throws -> [WebhookMessage] {
        try await database.read { db in
            // The head of each (webhook, subject) queue — its oldest pending message, read from the index in
            // `(state, webhook_id, subject, id)` order — when it is due and its webhook enabled: a later message of the same
            // link never overtakes an earlier one, and a disabled webhook's queue waits without being leased.
            let due = try await db.raw(
                """
                SELECT o.id, o.webhook_id, o.account_id, o.event, o.subject, o.payload, o.created_at, o.attempts, o.state, o.delivered_at, \
                o.next_attempt_at FROM webhook_outbox o JOIN webhooks w ON w.id = o.webhook_id AND w.enabled = \(bind: true) \
                WHERE o.id IN (SELECT MIN(id) FROM webhook_outbox WHERE state = 0 GROUP BY webhook_id, subject) \
                AND o.next_attempt_at <= \(bind: now) ORDER BY o.id LIMIT \(bind: limit)
                """
            ).all()
            var claimed: [WebhookMessage] = []
            for row in due {
                let id = try row.decode(column: "id", as: Int64.self)
                let seen = try row.decode(column: "next_attempt_at", as: Int64.self)
                let taken = try await db.raw(
                    """
                    UPDATE webhook_outbox SET next_attempt_at = \(bind: now + lease) \
                    WHERE id = \(bind: id) AND state = 0 AND next_attempt_at = \(bind: seen) RETURNING id
                    """
                ).first()
                if taken != nil { claimed.append(try Self.message(from: row)) }
            }
            return claimed
        }
    }

    /// Records an attempt: delivered on a 2xx; otherwise tried again after the back-off, or given up 24 hours after
    /// the event.
    public func record(_ message: WebhookMessage, statusCode: Int, latencyMilliseconds: Int, error: String, now: Int64) async throws {
        let delivered = (200..<300).contains(statusCode)
        let attempts = message.attempts + 1
        let givenUp = !delivered && now - message.createdAt >= WebhookRetry.giveUpAfter
        let state: WebhookMessage.State = delivered ? .delivered : givenUp ? .failed : .pending
        try await database.transaction { db in
            try await db.update("webhook_outbox").set("attempts", to: attempts).set("state", to: state.rawValue)
                .set("delivered_at", to: delivered ? now : nil)
                .set("next_attempt_at", to: now + WebhookRetry.delay(afterAttempts: attempts))
                .where("id", .equal, message.id).run()
            try await db.insert(into: "webhook_deliveries")
                .columns("outbox_id", "webhook_id", "attempted_at", "status_code", "latency_ms", "error")
                .values(message.id, message.webhookID, now, statusCode, latencyMilliseconds, String(error.prefix(500))).run()
        }
    }

    /// Gives a claimed message back without an attempt (its webhook was disabled meanwhile): due again at once, and
    /// claimed again when the webhook is enabled.
    public func release(_ message: WebhookMessage, now: Int64) async throws {
        try await database.read { db in
            try await db.update("webhook_outbox").set("next_attempt_at", to: now).where("id", .equal, message.id).where("state", .equal, 0).run()
        }
    }

    /// Sends an event again now (manual redelivery), whatever became of it. `eventID` as receivers see it (`evt_42`) or
    /// bare; `false` when it is not an event of this webhook of this account.
    public func redeliver(eventID: String, webhookID: Int64, accountID: Int64, now: Int64) async throws -> Bool {
        guard let id = Int64(eventID.hasPrefix("evt_") ? String(eventID.dropFirst(4)) : eventID) else { return false }
        return try await database.read { db in
            try await db.raw(
                """
                UPDATE webhook_outbox SET state = 0, next_attempt_at = \(bind: now) \
                WHERE id = \(bind: id) AND webhook_id = \(bind: webhookID) AND account_id = \(bind: accountID) RETURNING id
                """
            ).first() != nil
        }
    }

    /// A webhook's messages, newest first, with their last attempt.
    public func messages(webhookID: Int64, limit: Int) async throws -> [WebhookMessage] {
        try await database.read { db in
            try await db.select().columns("id", "webhook_id", "account_id", "event", "subject", "payload", "created_at", "attempts", "state")
                .column("delivered_at").from("webhook_outbox").where("webhook_id", .equal, webhookID).orderBy("id", .descending).limit(limit)
                .all().map(Self.message(from:))
        }
    }

    /// A webhook's delivery attempts, newest first.
    public func attempts(webhookID: Int64, limit: Int) async throws -> [WebhookAttempt] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT d.id, d.outbox_id, o.event, d.attempted_at, d.status_code, d.latency_ms, d.error FROM webhook_deliveries d \
                JOIN webhook_outbox o ON o.id = d.outbox_id WHERE d.webhook_id = \(bind: webhookID) ORDER BY d.id DESC LIMIT \(bind: limit)
                """
            ).all().map { row in
                WebhookAttempt(
                    id: try row.decode(column: "id", as: Int64.self), messageID: try row.decode(column: "outbox_id", as: Int64.self),
                    event: try row.decode(column: "event", as: String.self), attemptedAt: try row.decode(column: "attempted_at", as: Int64.self),
                    statusCode: try row.decode(column: "status_code", as: Int.self),
                    latencyMilliseconds: try row.decode(column: "latency_ms", as: Int.self),
                    error: try row.decode(column: "error", as: String.self))
            }
        }
    }

    static func message(from row: any SQLRow) throws -> WebhookMessage {
        WebhookMessage(
            id: try row.decode(column: "id", as: Int64.self), webhookID: try row.decode(column: "webhook_id", as: Int64.self),
            accountID: try row.decode(column: "account_id", as: Int64.self), event: try row.decode(column: "event", as: String.self),
            subject: try row.decode(column: "subject", as: String.self), payload: try row.decode(column: "payload", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self), attempts: try row.decode(column: "attempts", as: Int.self),
            state: WebhookMessage.State(rawValue: try row.decode(column: "state", as: Int.self)) ?? .pending,
            deliveredAt: try row.decode(column: "delivered_at", as: Int64?.self))
    }
}
