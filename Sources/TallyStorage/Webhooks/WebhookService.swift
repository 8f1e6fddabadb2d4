import Foundation
import SQLKit
import TallyCore

/// An account's event webhooks, for the API and the dashboard alike: create (the signing secret returned once, kept
/// sealed at rest under the server secret), list, change, delete; the outbox's messages and attempts; redelivery.
/// URLs are checked against the outbound rules by the caller (`OutboundURL`) before they reach this service, and again
/// by the dispatcher at each delivery.
public struct WebhookService: Sendable {
    let database: any TallyDatabase
    let sealer: SecretSealer?
    let clock: WallClock
    public let outbox: WebhookOutbox
    /// At most this many webhooks per account.
    public static let maximumPerAccount = 20

    public init(database: any TallyDatabase, serverSecret: [UInt8]?, clock: WallClock) {
        self.database = database
        self.sealer = serverSecret.map { SecretSealer(serverSecret: $0, purpose: "event webhook secrets") }
        self.clock = clock
        self.outbox = WebhookOutbox(database: database)
    }

    static let columns = ["id", "account_id", "url", "events", "enabled", "created_at", "created_by", "updated_at"]

    public func create(accountID: Int64, url: String, events: [WebhookEvent], createdBy: String) async throws -> (webhook: Webhook, secret: String) {
        var generator = SystemRandomNumberGenerator()
        let secret = "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let sealed = try sealer?.seal(secret) ?? secret
        let now = clock.now()
        let id = try await database.transaction { db in
            let count =
                try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("webhooks")
                .where("account_id", .equal, accountID).first(decodingColumn: "n", as: Int.self) ?? 0
            guard count < Self.maximumPerAccount else {
                throw ValidationError(field: "url", code: "webhooks_too_many", message: "an account has at most 20 webhooks")
            }
            return try await db.insert(into: "webhooks").columns(
                "account_id", "url", "secret", "events", "enabled", "created_at", "created_by", "updated_at"
            )
            .values(accountID, url, sealed, events.map(\.rawValue).joined(separator: ","), true, now, createdBy, now)
            .returning("id").first(decodingColumn: "id", as: Int64.self)
        }
        guard let id else { throw StorageError.missingInsertID(table: "webhooks") }
        let webhook = Webhook(
            id: id, accountID: accountID, url: url, events: events, enabled: true, createdAt: now, createdBy: createdBy, updatedAt: now)
        return (webhook, secret)
    }

    public func list(accountID: Int64) async throws -> [Webhook] {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("webhooks").where("account_id", .equal, accountID).orderBy("id").all()
                .map(Self.webhook(from:))
        }
    }

    /// The account's webhook `id`, or `nil` (another account's is as absent as a missing one).
    public func find(id: Int64, accountID: Int64) async throws -> Webhook? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("webhooks").where("id", .equal, id).where("account_id", .equal, accountID)
                .first().map(Self.webhook(from:))
        }
    }

    /// The URL and secret to deliver with (the dispatcher), `nil` when the webhook is gone.
    public func target(webhookID: Int64) async throws -> (url: String, secret: String, enabled: Bool)? {
        try await database.read { db in
            guard let row = try await db.select().columns("url", "secret", "enabled").from("webhooks").where("id", .equal, webhookID).first() else {
                return nil
            }
            let stored = try row.decode(column: "secret", as: String.self)
            guard let secret = sealer.map({ $0.open(stored) }) ?? stored else { return nil }
            return (try row.decode(column: "url", as: String.self), secret, try row.decode(column: "enabled", as: Bool.self))
        }
    }

    public func update(id: Int64, accountID: Int64, url: String?, events: [WebhookEvent]?, enabled: Bool?) async throws -> Webhook? {
        let now = clock.now()
        try await database.transaction { db in
            var update = db.update("webhooks").set("updated_at", to: now)
            if let url { update = update.set("url", to: url) }
            if let events { update = update.set("events", to: events.map(\.rawValue).joined(separator: ",")) }
            if let enabled { update = update.set("enabled", to: enabled) }
            try await update.where("id", .equal, id).where("account_id", .equal, accountID).run()
        }
        return try await find(id: id, accountID: accountID)
    }

    /// Deletes the webhook and its undelivered messages; `false` when it was not the account's.
    public func delete(id: Int64, accountID: Int64) async throws -> Bool {
        try await database.transaction { db in
            guard try await db.select().column("id").from("webhooks").where("id", .equal, id).where("account_id", .equal, accountID).first() != nil
            else { return false }
            let messages = db.select().column("id").from("webhook_outbox").where("webhook_id", .equal, id)
            try await db.delete(from: "webhook_deliveries").where("outbox_id", .in, SQLGroupExpression(messages.query)).run()
            try await db.delete(from: "webhook_outbox").where("webhook_id", .equal, id).run()
            try await db.delete(from: "webhooks").where("id", .equal, id).run()
            return true
        }
    }

    static func webhook(from row: any SQLRow) throws -> Webhook {
        Webhook(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            url: try row.decode(column: "url", as: String.self),
            events: try row.decode(column: "events", as: String.self).split(separator: ",").compactMap { WebhookEvent(rawValue: String($0)) },
            enabled: try row.decode(column: "enabled", as: Bool.self), createdAt: try row.decode(column: "created_at", as: Int64.self),
            createdBy: try row.decode(column: "created_by", as: String.self), updatedAt: try row.decode(column: "updated_at", as: Int64.self))
    }
}
