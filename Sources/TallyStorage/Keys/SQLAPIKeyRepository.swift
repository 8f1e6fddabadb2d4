import SQLKit
import TallyCore

/// API keys over SQLKit, the same code for both engines. Only hashes of secrets ever reach this table.
public struct SQLAPIKeyRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public static let columns = [
        "id", "account_id", "public_id", "name", "secret_hash", "last_four", "scopes", "group_ids", "allowed_networks",
        "rate_per_second", "burst", "expires_at", "status", "previous_secret_hash", "previous_valid_until", "created_at", "created_by",
        "updated_at", "revoked_at", "last_used_at", "last_used_ip", "guest_id", "rate_limits", "usage_limited", "usage_refill_amount",
        "usage_refill_period", "secret_created_at", "enabled_at",
    ]
    /// What a usage-limited key has left, read with the key (display only: spending goes through `SQLKeyCredits`).
    static let remaining = SQLRaw("(SELECT remaining FROM key_credits WHERE key_credits.key_id = api_keys.id) AS usage_remaining")

    func select(_ db: any SQLDatabase) -> SQLSelectBuilder {
        db.select().columns(Self.columns).column(Self.remaining).from("api_keys")
    }

    /// Inserts `key` (its `id` is ignored) and returns it with the id the database gave it.
    public func insert(_ key: APIKey, in db: any SQLDatabase) async throws -> APIKey {
        let id = try await db.insert(into: "api_keys")
            .columns(Array(Self.columns.dropFirst()))
            .values(
                key.accountID, key.publicID, key.name, key.secretHash, key.lastFour, key.scopes.description, Self.text(key.groupIDs),
                key.allowedNetworks.map(\.description).joined(separator: ","), key.ratePerSecond, key.burst, key.expiresAt,
                key.status.rawValue, key.previousSecretHash, key.previousValidUntil, key.createdAt, key.createdBy, key.updatedAt,
                key.revokedAt, key.lastUsedAt, key.lastUsedIP, key.guestID, KeyLimit.text(key.limits), key.usageLimited,
                key.usageRefill?.amount, key.usageRefill?.period.rawValue, key.secretCreatedAt, key.enabledAt
            )
            .returning("id").first(decodingColumn: "id", as: Int64.self)
        guard let id else { throw StorageError.missingInsertID(table: "api_keys") }
        return APIKey(
            id: id, accountID: key.accountID, publicID: key.publicID, name: key.name, secretHash: key.secretHash, lastFour: key.lastFour,
            scopes: key.scopes, groupIDs: key.groupIDs, allowedNetworks: key.allowedNetworks, ratePerSecond: key.ratePerSecond,
            burst: key.burst, expiresAt: key.expiresAt, status: key.status, previousSecretHash: key.previousSecretHash,
            previousValidUntil: key.previousValidUntil, createdAt: key.createdAt, createdBy: key.createdBy, updatedAt: key.updatedAt,
            guestID: key.guestID, limits: key.limits, usageLimited: key.usageLimited, usageRefill: key.usageRefill,
            secretCreatedAt: key.secretCreatedAt, enabledAt: key.enabledAt)
    }

    /// Writes every mutable field of `key` (name, secret hashes, restrictions, status, times).
    public func save(_ key: APIKey, in db: any SQLDatabase) async throws {
        try await db.update("api_keys")
            .set("name", to: key.name).set("secret_hash", to: key.secretHash).set("last_four", to: key.lastFour)
            .set("scopes", to: key.scopes.description).set("group_ids", to: Self.text(key.groupIDs))
            .set("allowed_networks", to: key.allowedNetworks.map(\.description).joined(separator: ","))
            .set("rate_per_second", to: key.ratePerSecond).set("burst", to: key.burst).set("expires_at", to: key.expiresAt)
            .set("status", to: key.status.rawValue).set("previous_secret_hash", to: key.previousSecretHash)
            .set("previous_valid_until", to: key.previousValidUntil).set("updated_at", to: key.updatedAt)
            .set("revoked_at", to: key.revokedAt).set("rate_limits", to: KeyLimit.text(key.limits))
            .set("usage_limited", to: key.usageLimited).set("usage_refill_amount", to: key.usageRefill?.amount)
            .set("usage_refill_period", to: key.usageRefill?.period.rawValue).set("secret_created_at", to: key.secretCreatedAt)
            .set("enabled_at", to: key.enabledAt)
            .where("id", .equal, key.id).run()
    }

    public func find(publicID: String) async throws -> APIKey? {
        try await database.read { db in
            try await select(db).where("public_id", .equal, publicID).first().map(Self.key(from:))
        }
    }

    public func find(publicID: String, in db: any SQLDatabase) async throws -> APIKey? {
        try await select(db).where("public_id", .equal, publicID).first().map(Self.key(from:))
    }

    public func list(accountID: Int64) async throws -> [APIKey] {
        try await database.read { db in
            try await select(db).where("account_id", .equal, accountID).orderBy("id")
                .all().map(Self.key(from:))
        }
    }

    /// Keys changed since `time` (for other nodes' caches).
    public func changed(since time: Int64) async throws -> [APIKey] {
        try await database.read { db in
            try await select(db).where("updated_at", .greaterThanOrEqual, time)
                .all().map(Self.key(from:))
        }
    }

    public func recordUse(keyID: Int64, at time: Int64, from ip: String) async throws {
        try await database.transaction { db in
            try await db.update("api_keys").set("last_used_at", to: time).set("last_used_ip", to: ip).where("id", .equal, keyID).run()
        }
    }

    static func text(_ ids: [Int64]) -> String { ids.map(String.init).joined(separator: ",") }

    static func key(from row: any SQLRow) throws -> APIKey {
        let networks = try row.decode(column: "allowed_networks", as: String.self).split(separator: ",").compactMap { IPNetwork($0) }
        return APIKey(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            publicID: try row.decode(column: "public_id", as: String.self), name: try row.decode(column: "name", as: String.self),
            secretHash: try row.decode(column: "secret_hash", as: String.self), lastFour: try row.decode(column: "last_four", as: String.self),
            scopes: (try? APIScopeSet.parse(try row.decode(column: "scopes", as: String.self))) ?? APIScopeSet([]),
            groupIDs: try row.decode(column: "group_ids", as: String.self).split(separator: ",").compactMap { Int64($0) },
            allowedNetworks: networks, ratePerSecond: try row.decode(column: "rate_per_second", as: Int.self),
            burst: try row.decode(column: "burst", as: Int.self), expiresAt: try row.decode(column: "expires_at", as: Int64?.self),
            status: APIKey.Status(rawValue: try row.decode(column: "status", as: Int.self)) ?? .revoked,
            previousSecretHash: try row.decode(column: "previous_secret_hash", as: String?.self),
            previousValidUntil: try row.decode(column: "previous_valid_until", as: Int64?.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self), createdBy: try row.decode(column: "created_by", as: String.self),
            updatedAt: try row.decode(column: "updated_at", as: Int64.self), revokedAt: try row.decode(column: "revoked_at", as: Int64?.self),
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self), lastUsedIP: try row.decode(column: "last_used_ip", as: String?.self),
            guestID: try row.decode(column: "guest_id", as: Int64?.self),
            limits: KeyLimit.parse(try row.decode(column: "rate_limits", as: String.self)),
            usageLimited: try row.decode(column: "usage_limited", as: Bool.self),
            usageRefill: try Self.refill(
                amount: row.decode(column: "usage_refill_amount", as: Int64?.self),
                period: row.decode(column: "usage_refill_period", as: String?.self)),
            usageRemaining: try row.decode(column: "usage_remaining", as: Int64?.self),
            secretCreatedAt: try row.decode(column: "secret_created_at", as: Int64?.self),
            enabledAt: try row.decode(column: "enabled_at", as: Int64?.self))
    }

    static func refill(amount: Int64?, period: String?) -> UsageRefill? {
        guard let amount, let period = period.flatMap(UsageRefill.Period.init(rawValue:)) else { return nil }
        return try? UsageRefill(amount: amount, period: period)
    }
}
