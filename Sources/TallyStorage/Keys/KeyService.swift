import SQLKit
import TallyCore

/// The key lifecycle — create, rotate, revoke, update, leak report — for the API, the CLI and the dashboard
/// alike. Every change writes an audit entry in the same transaction. Full keys leave only as return values
/// of `create` and `rotate`.
public struct KeyService: Sendable {
    let database: any TallyDatabase
    let hasher: APIKeyHasher
    let clock: WallClock
    let keys: SQLAPIKeyRepository
    let events: SQLKeyEventRepository

    public init(database: any TallyDatabase, hasher: APIKeyHasher, clock: WallClock) {
        self.database = database
        self.hasher = hasher
        self.clock = clock
        self.keys = SQLAPIKeyRepository(database: database)
        self.events = SQLKeyEventRepository(database: database)
    }

    /// Who asks for a change: a person (CLI, dashboard) or another key, whose power bounds what it may grant.
    public struct Actor: Sendable {
        public let name: String
        public let clientIP: String
        /// `nil` for a person acting on their own account; a key's scopes and group restriction otherwise.
        public let keyScopes: APIScopeSet?
        public let keyGroupIDs: [Int64]
        /// The acting key's own limits: a key it creates may not outlive it or out-run it.
        public let keyExpiresAt: Int64?
        public let keyRate: (perSecond: Int, burst: Int)?
        /// A guest's key can only make keys for the same guest, never one that escapes the guest's grants.
        public let keyGuestID: Int64?

        public init(
            name: String, clientIP: String = "", keyScopes: APIScopeSet? = nil, keyGroupIDs: [Int64] = [], keyExpiresAt: Int64? = nil,
            keyRate: (perSecond: Int, burst: Int)? = nil, keyGuestID: Int64? = nil
        ) {
            self.name = name
            self.clientIP = clientIP
            self.keyScopes = keyScopes
            self.keyGroupIDs = keyGroupIDs
            self.keyExpiresAt = keyExpiresAt
            self.keyRate = keyRate
            self.keyGuestID = keyGuestID
        }
    }

    public struct NewKey: Sendable {
        public var name: String
        public var scopes: APIScopeSet
        public var groupIDs: [Int64] = []
        public var allowedNetworks: [IPNetwork] = []
        public var expiresAt: Int64?
        public var ratePerSecond = APIKey.defaultRate
        public var burst = APIKey.defaultBurst
        public var format = APIKeyToken.Format.standard
        /// The guest this key belongs to, if any.
        public var guestID: Int64?

        public init(name: String, scopes: APIScopeSet) {
            self.name = name
            self.scopes = scopes
        }
    }

    public func create(_ new: NewKey, accountID: Int64, by actor: Actor) async throws -> (key: APIKey, fullKey: String) {
        let name = new.name.trimmingSpaces
        guard !name.isEmpty, name.count <= 100 else {
            throw ValidationError(field: "name", code: "key_name_invalid", message: "a key needs a name of 1 to 100 characters")
        }
        guard (1...10_000).contains(new.ratePerSecond), (1...100_000).contains(new.burst) else {
            throw ValidationError(field: "rateLimit", code: "rate_limit_invalid", message: "rate must be 1–10000 per second, burst 1–100000")
        }
        let now = clock.now()
        if let expiresAt = new.expiresAt, expiresAt <= now {
            throw ValidationError(field: "expiresAt", code: "expiry_in_past", message: "the expiry must be in the future")
        }
        if let scopes = actor.keyScopes, !scopes.covers(new.scopes) {
            throw ValidationError(field: "scopes", code: "scopes_exceed_own", message: "a key cannot create a key with more power than its own")
        }
        if let limit = actor.keyExpiresAt, (new.expiresAt ?? .max) > limit {
            throw ValidationError(field: "expiresAt", code: "expiry_exceeds_own", message: "a key cannot create a key that outlives it")
        }
        if let rate = actor.keyRate, new.ratePerSecond > rate.perSecond || new.burst > rate.burst {
            throw ValidationError(
                field: "rateLimit", code: "rate_exceeds_own", message: "a key cannot create a key with a higher rate limit than its own")
        }
        if !actor.keyGroupIDs.isEmpty, new.groupIDs.isEmpty || !Set(new.groupIDs).isSubset(of: actor.keyGroupIDs) {
            throw ValidationError(
                field: "groups", code: "groups_exceed_own", message: "a group-restricted key can only create keys for its own groups")
        }
        var token = APIKeyToken.generate(format: new.format)
        for _ in 0..<5 where try await keys.find(publicID: token.publicID) != nil {
            // Only plausible for GUID-shaped keys (32-bit ids); the unique index stops any race.
            token = APIKeyToken.generate(format: new.format)
        }
        let draft = APIKey(
            id: 0, accountID: accountID, publicID: token.publicID, name: name, secretHash: hasher.hash(secret: token.secret),
            lastFour: token.lastFour, scopes: new.scopes, groupIDs: new.groupIDs.sorted(), allowedNetworks: new.allowedNetworks,
            ratePerSecond: new.ratePerSecond, burst: new.burst, expiresAt: new.expiresAt, createdAt: now, createdBy: actor.name, updatedAt: now,
            guestID: actor.keyGuestID ?? new.guestID)
        let events = events
        let keys = keys
        let key = try await database.transaction { db in
            if !new.groupIDs.isEmpty {
                let owned = try await db.select().column("id").from("link_groups").where("account_id", .equal, accountID)
                    .where("id", .in, new.groupIDs).all(decodingColumn: "id", as: Int64.self)
                guard Set(owned) == Set(new.groupIDs) else {
                    throw ValidationError(field: "groups", code: "group_unknown", message: "every restricted group must belong to the account")
                }
            }
            let key = try await keys.insert(draft, in: db)
            try await events.add(
                AuditEntry(
                    accountID: accountID, keyID: key.id, event: "created", actor: actor.name, clientIP: actor.clientIP,
                    details: "scopes=\(key.scopes)", createdAt: now), in: db)
            return key
        }
        return (key, token.text)
    }

    /// A new secret for the key; the old one keeps working for `graceMilliseconds` (0: stops at once).
    public func rotate(publicID: String, accountID: Int64, graceMilliseconds: Int64 = APIKey.defaultGraceMilliseconds, by actor: Actor)
        async throws -> (key: APIKey, fullKey: String)
    {
        guard graceMilliseconds >= 0, graceMilliseconds <= 30 * 86_400_000 else {
            throw ValidationError(field: "grace", code: "grace_invalid", message: "the grace period must be between 0 and 30 days")
        }
        let now = clock.now()
        let (hasher, keys, events) = (hasher, keys, events)
        return try await database.transaction { db in
            var key = try await Self.activeKey(publicID: publicID, accountID: accountID, keys: keys, db: db, now: now)
            var generator = SystemRandomNumberGenerator()
            let token = APIKeyToken(publicID: key.publicID, secret: "", format: APIKeyToken.format(ofPublicID: key.publicID))
                .withNewSecret(using: &generator)
            key.previousSecretHash = graceMilliseconds > 0 ? key.secretHash : nil
            key.previousValidUntil = graceMilliseconds > 0 ? now + graceMilliseconds : nil
            key.secretHash = hasher.hash(secret: token.secret)
            key.lastFour = token.lastFour
            key.updatedAt = now
            try await keys.save(key, in: db)
            try await events.add(
                AuditEntry(
                    accountID: accountID, keyID: key.id, event: "rotated", actor: actor.name, clientIP: actor.clientIP,
                    details: "grace_ms=\(graceMilliseconds)", createdAt: now), in: db)
            return (key, token.text)
        }
    }

    /// Immediate: the next request with the key is refused, on every node within the verification cache's lifetime.
    public func revoke(publicID: String, accountID: Int64, by actor: Actor, event: String = "revoked") async throws -> APIKey {
        let now = clock.now()
        let (keys, events) = (keys, events)
        return try await database.transaction { db in
            guard var key = try await keys.find(publicID: publicID, in: db), key.accountID == accountID else { throw KeyError.notFound }
            if key.status != .revoked {
                key.status = .revoked
                key.revokedAt = now
                key.previousSecretHash = nil
                key.previousValidUntil = nil
                key.updatedAt = now
                try await keys.save(key, in: db)
                try await events.add(
                    AuditEntry(accountID: accountID, keyID: key.id, event: event, actor: actor.name, clientIP: actor.clientIP, createdAt: now),
                    in: db)
            }
            return key
        }
    }

    public func update(publicID: String, accountID: Int64, name: String?, allowedNetworks: [IPNetwork]?, by actor: Actor) async throws -> APIKey {
        let now = clock.now()
        let (keys, events) = (keys, events)
        return try await database.transaction { db in
            var key = try await Self.activeKey(publicID: publicID, accountID: accountID, keys: keys, db: db, now: now)
            if let name {
                let name = name.trimmingSpaces
                guard !name.isEmpty, name.count <= 100 else {
                    throw ValidationError(field: "name", code: "key_name_invalid", message: "a key needs a name of 1 to 100 characters")
                }
                key.name = name
            }
            if let allowedNetworks { key.allowedNetworks = allowedNetworks }
            key.updatedAt = now
            try await keys.save(key, in: db)
            try await events.add(
                AuditEntry(accountID: accountID, keyID: key.id, event: "updated", actor: actor.name, clientIP: actor.clientIP, createdAt: now),
                in: db)
            return key
        }
    }

    public func key(publicID: String, accountID: Int64) async throws -> APIKey {
        guard let key = try await keys.find(publicID: publicID), key.accountID == accountID else { throw KeyError.notFound }
        return key
    }

    public func list(accountID: Int64) async throws -> [APIKey] {
        try await keys.list(accountID: accountID)
    }

    /// A key found in the wild: if it verifies, it is revoked at once with an alert (returned, for notification).
    /// The caller must answer the same either way.
    @discardableResult
    public func reportLeak(_ text: String, clientIP: String) async throws -> KeyAlert? {
        guard let token = APIKeyToken(parsing: text), let key = try await keys.find(publicID: token.publicID), key.status == .active
        else { return nil }
        // Whoever holds the secret may report it, wherever they are: the address allow-list does not apply.
        var unrestricted = key
        unrestricted.allowedNetworks = []
        guard case .accepted = unrestricted.verify(token, clientIP: nil, now: clock.now(), hasher: hasher) else { return nil }
        _ = try await revoke(
            publicID: key.publicID, accountID: key.accountID, by: Actor(name: "leak report", clientIP: clientIP), event: "leak_reported")
        let alert = KeyAlert(
            accountID: key.accountID, keyID: key.id, kind: .leaked, message: "key \(key.publicID) was reported leaked and has been revoked",
            clientIP: clientIP, createdAt: clock.now())
        try await events.add(alert)
        return alert
    }

    static func activeKey(publicID: String, accountID: Int64, keys: SQLAPIKeyRepository, db: any SQLDatabase, now: Int64) async throws -> APIKey {
        guard let key = try await keys.find(publicID: publicID, in: db), key.accountID == accountID else { throw KeyError.notFound }
        guard key.status == .active, !key.isExpired(at: now) else { throw KeyError.notActive }
        return key
    }
}

public enum KeyError: Error, Equatable {
    case notFound
    case notActive
}
