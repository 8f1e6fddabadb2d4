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
    let credits: SQLKeyCredits

    public init(database: any TallyDatabase, hasher: APIKeyHasher, clock: WallClock) {
        self.credits = SQLKeyCredits(database: database)
        self.database = database
        self.hasher = hasher
        self.clock = clock
        self.keys = SQLAPIKeyRepository(database: database)
        self.events = SQLKeyEventRepository(database: database)
    }

    /// Who asks for a change: a person (CLI, dashboard) or another key, whose bounds limit what it may grant or
    /// manage (`KeyBounds.refusal(toManage:)`, checked by `authorize` for every change).
    public struct Actor: Sendable {
        public let name: String
        public let clientIP: String
        /// `nil` for a person with full authority over their account (the CLI, the dashboard's owner and admins);
        /// a key's own bounds, or those of a dashboard user's role, otherwise.
        public let bounds: KeyBounds?
        /// The acting key, which may always rotate or revoke itself.
        public let keyID: Int64?
        /// A dashboard role that may not manage keys at all (read-only users).
        public let mayManageKeys: Bool

        public init(name: String, clientIP: String = "", bounds: KeyBounds? = nil, keyID: Int64? = nil, mayManageKeys: Bool = true) {
            self.name = name
            self.clientIP = clientIP
            self.bounds = bounds
            self.keyID = keyID
            self.mayManageKeys = mayManageKeys
        }

        /// A key acting through the API: bounded by itself.
        public static func key(_ key: APIKey, clientIP: String) -> Actor {
            Actor(name: "key \(key.publicID)", clientIP: clientIP, bounds: KeyBounds(key), keyID: key.id)
        }
    }

    public struct NewKey: Sendable {
        public var name: String
        public var scopes: APIScopeSet
        public var groupIDs: [Int64] = []
        public var allowedNetworks: [IPNetwork] = []
        public var expiresAt: Int64?
        /// `nil`: the default (`APIKey.defaultRate`/`defaultBurst`), or the acting key's own when lower.
        public var ratePerSecond: Int?
        public var burst: Int?
        public var format = APIKeyToken.Format.standard
        /// The guest this key belongs to, if any.
        public var guestID: Int64?
        /// Named limits; `nil`: none, or the acting key's own.
        public var limits: [KeyLimit]?
        /// A usage-limited key: what it starts with (the refill's amount when only a refill is given).
        public var usage: UsageLimit?

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
        let now = clock.now()
        if let expiresAt = new.expiresAt, expiresAt <= now {
            throw ValidationError(field: "expiresAt", code: "expiry_in_past", message: "the expiry must be in the future")
        }
        guard (1...10_000).contains(new.ratePerSecond ?? 1), (1...100_000).contains(new.burst ?? 1) else {
            throw ValidationError(field: "rateLimit", code: "rate_limit_invalid", message: "rate must be 1–10000 per second, burst 1–100000")
        }
        try KeyLimit.validate(new.limits ?? [])
        let bounds = try await authorizeCreation(new, accountID: accountID, by: actor, now: now)
        var token = APIKeyToken.generate(format: new.format)
        for _ in 0..<5 where try await keys.find(publicID: token.publicID) != nil {
            // Only plausible for GUID-shaped keys (32-bit ids); the unique index stops any race.
            token = APIKeyToken.generate(format: new.format)
        }
        let draft = APIKey(
            id: 0, accountID: accountID, publicID: token.publicID, name: name, secretHash: hasher.hash(secret: token.secret),
            lastFour: token.lastFour, scopes: bounds.scopes, groupIDs: bounds.groupIDs.sorted(), allowedNetworks: bounds.allowedNetworks,
            ratePerSecond: bounds.ratePerSecond, burst: bounds.burst, expiresAt: bounds.expiresAt, createdAt: now, createdBy: actor.name,
            updatedAt: now, guestID: bounds.guestID, limits: bounds.limits, usageLimited: bounds.usageLimited,
            usageRefill: bounds.usageRefill, usageRemaining: new.usage?.startingCredits)
        let groupIDs = Array(bounds.groupIDs)
        let (events, keys, credits) = (events, keys, credits)
        let key = try await auditingRefusal("create", publicID: nil, accountID: accountID, by: actor) { db in
            if !groupIDs.isEmpty {
                let owned = try await db.select().column("id").from("link_groups").where("account_id", .equal, accountID)
                    .where("id", .in, groupIDs).all(decodingColumn: "id", as: Int64.self)
                guard Set(owned) == Set(groupIDs) else {
                    throw ValidationError(field: "groups", code: "group_unknown", message: "every restricted group must belong to the account")
                }
            }
            var key = try await keys.insert(draft, in: db)
            key.usageRemaining = draft.usageRemaining
            if let starting = new.usage?.startingCredits {
                // A usage-limited actor gives out of its own: credits are moved, never made.
                if actor.bounds?.usageLimited == true {
                    guard let giver = actor.keyID, try await credits.take(starting, from: giver, in: db) else { throw KeyAuthorityRefusal.usage }
                }
                try await credits.set(keyID: key.id, remaining: starting, now: now, in: db)
            }
            try await events.add(
                AuditEntry(
                    accountID: accountID, keyID: key.id, event: "created", actor: actor.name, clientIP: actor.clientIP,
                    details: "scopes=\(key.scopes)", createdAt: now), in: db)
            try await Self.announce(.keyCreated, key, now: now, in: db)
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
        return try await auditingRefusal(.rotate, publicID: publicID, accountID: accountID, by: actor) { db in
            var key = try await Self.activeKey(publicID: publicID, accountID: accountID, keys: keys, db: db, now: now)
            try Self.check(.rotate, key, by: actor)
            var generator = SystemRandomNumberGenerator()
            let token = APIKeyToken(publicID: key.publicID, secret: "", format: APIKeyToken.format(ofPublicID: key.publicID))
                .withNewSecret(using: &generator)
            key.previousSecretHash = graceMilliseconds > 0 ? key.secretHash : nil
            key.previousValidUntil = graceMilliseconds > 0 ? now + graceMilliseconds : nil
            key.secretHash = hasher.hash(secret: token.secret)
            key.secretCreatedAt = now
            key.lastFour = token.lastFour
            key.updatedAt = now
            try await keys.save(key, in: db)
            try await events.add(
                AuditEntry(
                    accountID: accountID, keyID: key.id, event: "rotated", actor: actor.name, clientIP: actor.clientIP,
                    details: "grace_ms=\(graceMilliseconds)", createdAt: now), in: db)
            try await Self.announce(.keyRotated, key, now: now, in: db)
            return (key, token.text)
        }
    }

    /// Immediate: the next request with the key is refused, on every node within the verification cache's lifetime.
    public func revoke(publicID: String, accountID: Int64, by actor: Actor, event: String = "revoked", details: String = "") async throws -> APIKey {
        let now = clock.now()
        let (keys, events) = (keys, events)
        return try await auditingRefusal(.revoke, publicID: publicID, accountID: accountID, by: actor) { db in
            guard var key = try await keys.find(publicID: publicID, in: db), key.accountID == accountID else { throw KeyError.notFound }
            try Self.check(.revoke, key, by: actor)
            if key.status != .revoked {
                key.status = .revoked
                key.revokedAt = now
                key.previousSecretHash = nil
                key.previousValidUntil = nil
                key.updatedAt = now
                try await keys.save(key, in: db)
                try await events.add(
                    AuditEntry(
                        accountID: accountID, keyID: key.id, event: event, actor: actor.name, clientIP: actor.clientIP, details: details,
                        createdAt: now), in: db)
                try await Self.announce(.keyRevoked, key, now: now, in: db)
            }
            return key
        }
    }

    public func update(publicID: String, accountID: Int64, name: String?, allowedNetworks: [IPNetwork]?, by actor: Actor) async throws -> APIKey {
        let now = clock.now()
        let (keys, events) = (keys, events)
        return try await auditingRefusal(.update(allowedNetworks: allowedNetworks), publicID: publicID, accountID: accountID, by: actor) { db in
            var key = try await Self.activeKey(publicID: publicID, accountID: accountID, keys: keys, db: db, now: now)
            try Self.check(.update(allowedNetworks: allowedNetworks), key, by: actor)
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
        if case .revoked(let alert) = try await handleLeak(text, by: Actor(name: "leak report", clientIP: clientIP)) { return alert }
        return nil
    }

    /// What a reported token turned out to be.
    public enum LeakOutcome: Sendable, Equatable {
        /// A live key of this server: revoked now, with this alert raised.
        case revoked(KeyAlert)
        /// A real key of this server, already revoked or expired.
        case alreadyInactive
        /// Not a key of this server (malformed, unknown, or a wrong secret for a known id).
        case notOurs

        public var isOurs: Bool { self != .notOurs }
    }

    /// A reported token: when it is a real key (its secret verifies, old secret in its grace period included), a live one
    /// is revoked with an audit entry (`details`: where it was found) and a `leaked` alert.
    public func handleLeak(_ text: String, by reporter: Actor, details: String = "") async throws -> LeakOutcome {
        guard let token = APIKeyToken(parsing: text), let key = try await keys.find(publicID: token.publicID) else { return .notOurs }
        // Whoever holds the secret may report it, wherever they are: the address allow-list does not apply; and a dead
        // key's secret still tells a real report from a guess.
        var unrestricted = key
        unrestricted.allowedNetworks = []
        unrestricted.status = .active
        unrestricted.expiresAt = nil
        guard case .accepted = unrestricted.verify(token, clientIP: nil, now: clock.now(), hasher: hasher) else { return .notOurs }
        // A disabled key is revoked too: an administrator could enable it again.
        guard key.status != .revoked, !key.isExpired(at: clock.now()) else { return .alreadyInactive }
        _ = try await revoke(publicID: key.publicID, accountID: key.accountID, by: reporter, event: "leak_reported", details: details)
        let alert = KeyAlert(
            accountID: key.accountID, keyID: key.id, kind: .leaked,
            message: "key \(key.publicID) was reported leaked\(details.isEmpty ? "" : " (\(details))") and has been revoked",
            clientIP: reporter.clientIP,
            createdAt: clock.now())
        try await events.add(alert)
        return .revoked(alert)
    }

    /// Queues a key event for the account's webhooks, in the change's transaction.
    static func announce(_ event: WebhookEvent, _ key: APIKey, now: Int64, in db: any SQLDatabase) async throws {
        try await WebhookOutbox.enqueue(
            accountID: key.accountID, event: event, subject: "key \(key.publicID)", payload: WebhookPayloads.key(key), now: now, in: db)
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
    /// Enabling a key that is not disabled.
    case notDisabled
}
