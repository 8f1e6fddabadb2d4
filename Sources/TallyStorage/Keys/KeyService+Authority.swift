import SQLKit
import TallyCore

/// The one place where key management is authorised: every create, update, rotate and revoke — from the API, the
/// dashboard or the CLI — passes through `check` or `authorizeCreation`, and every refusal is audited with the actor.
extension KeyService {
    /// A change to an existing key.
    enum Action: Sendable {
        case rotate, revoke
        case update(allowedNetworks: [IPNetwork]?)
        /// New limits or usage: the key's bounds after the change.
        case reshape(KeyBounds)

        var name: String {
            switch self {
            case .rotate: "rotate"
            case .revoke: "revoke"
            case .update, .reshape: "update"
            }
        }
    }

    /// Whether `actor` may apply `action` to `key`: a key may always rotate or revoke itself, and change itself
    /// only within its own bounds; otherwise its bounds (or its user's role) must cover the key before and after.
    static func check(_ action: Action, _ key: APIKey, by actor: Actor) throws(KeyAuthorityRefusal) {
        guard actor.mayManageKeys else { throw .role }
        guard let bounds = actor.bounds else { return }
        var after = KeyBounds(key)
        if case .update(let networks?) = action { after.allowedNetworks = networks }
        if case .reshape(let bounds) = action { after = bounds }
        if actor.keyID == key.id {
            switch action {
            case .rotate, .revoke: return
            case .update, .reshape: if let refusal = bounds.refusal(toManage: after) { throw refusal }
            }
            return
        }
        if let refusal = bounds.refusal(toManage: KeyBounds(key)) ?? bounds.refusal(toManage: after) { throw refusal }
    }

    /// The bounds a new key gets: what was asked, with the actor's own where the request left one open, refused
    /// (and audited) when the actor's bounds do not cover them.
    func authorizeCreation(_ new: NewKey, accountID: Int64, by actor: Actor, now: Int64) async throws -> KeyBounds {
        let requested = KeyBounds(
            scopes: new.scopes, groupIDs: Set(new.groupIDs), allowedNetworks: new.allowedNetworks, expiresAt: new.expiresAt,
            ratePerSecond: new.ratePerSecond ?? APIKey.defaultRate, burst: new.burst ?? APIKey.defaultBurst, guestID: new.guestID,
            limits: new.limits ?? [], usageLimited: new.usage != nil, usageRefill: new.usage?.refill)
        guard actor.mayManageKeys else {
            try await auditRefusal(.role, action: "create", keyID: nil, accountID: accountID, by: actor, now: now)
            throw KeyAuthorityRefusal.role
        }
        guard let bounds = actor.bounds else { return requested }
        let granted = bounds.inherited(by: requested, rateGiven: new.ratePerSecond != nil || new.burst != nil)
        if let refusal = bounds.refusal(toManage: granted) {
            try await auditRefusal(refusal, action: "create", keyID: nil, accountID: accountID, by: actor, now: now)
            throw refusal
        }
        return granted
    }

    /// Whether `actor` may change what governs every key of the account (its key policy): only when its bounds cover
    /// each live key, since a policy expires or disables keys. A key that could not manage the owner's key cannot
    /// expire it this way either.
    public func authorizeAccountWide(accountID: Int64, by actor: Actor) async throws {
        guard actor.mayManageKeys else { throw KeyAuthorityRefusal.role }
        guard let bounds = actor.bounds else { return }
        for key in try await keys.list(accountID: accountID) where key.status != .revoked && key.id != actor.keyID {
            if let refusal = bounds.refusal(toManage: KeyBounds(key)) {
                try await auditRefusal(refusal, action: "key_policy", keyID: key.id, accountID: accountID, by: actor, now: clock.now())
                throw refusal
            }
        }
    }

    /// Runs `body` in a transaction; a refusal it throws is audited (outside the rolled-back transaction, naming the key
    /// when there is one) and rethrown.
    func auditingRefusal<T: Sendable>(
        _ action: Action, publicID: String, accountID: Int64, by actor: Actor, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await auditingRefusal(action.name, publicID: publicID, accountID: accountID, by: actor, body)
    }

    /// The same for an action on no existing key yet (`create`: a usage-limited actor short of credits).
    func auditingRefusal<T: Sendable>(
        _ action: String, publicID: String?, accountID: Int64, by actor: Actor, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        do {
            return try await database.transaction(body)
        } catch let refusal as KeyAuthorityRefusal {
            var keyID: Int64?
            if let publicID { keyID = try await keys.find(publicID: publicID).map(\.id) }
            try await auditRefusal(refusal, action: action, keyID: keyID, accountID: accountID, by: actor, now: clock.now())
            throw refusal
        }
    }

    private func auditRefusal(
        _ refusal: KeyAuthorityRefusal, action: String, keyID: Int64?, accountID: Int64, by actor: Actor, now: Int64
    ) async throws {
        let events = events
        try await database.transaction { db in
            try await events.add(
                AuditEntry(
                    accountID: accountID, keyID: keyID, event: "refused", actor: actor.name, clientIP: actor.clientIP,
                    details: "action=\(action) code=\(refusal.rawValue)", createdAt: now), in: db)
        }
    }
}
