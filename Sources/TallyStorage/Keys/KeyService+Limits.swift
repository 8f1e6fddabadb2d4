import SQLKit
import TallyCore

extension KeyService {
    /// A change of a key's usage limit.
    public enum UsageChange: Sendable, Equatable {
        /// No usage limit any more.
        case unlimited
        /// Limited: credits set to `remaining` (or kept when `nil` and the key was limited), refill as given.
        case limited(UsageLimit)
    }

    /// Replaces a key's named limits and/or its usage limit, with the same authority rule as any change: a key may
    /// tighten itself, and manage another only when its own bounds cover the key before and after. Credits are never
    /// made by a usage-limited key: it may not set any key's credits, its own included.
    public func reshape(publicID: String, accountID: Int64, limits: [KeyLimit]?, usage: UsageChange?, by actor: Actor) async throws -> APIKey {
        if let limits { try KeyLimit.validate(limits) }
        let now = clock.now()
        let (keys, events, credits) = (keys, events, credits)
        let reshaped = { @Sendable (key: APIKey) -> KeyBounds in
            var after = KeyBounds(key)
            if let limits { after.limits = limits }
            switch usage {
            case .unlimited: (after.usageLimited, after.usageRefill) = (false, nil)
            case .limited(let limit): (after.usageLimited, after.usageRefill) = (true, limit.refill)
            case nil: break
            }
            return after
        }
        // The action names the refusal in the audit log; its bounds are computed from the key read in the transaction.
        return try await auditingRefusal(.update(allowedNetworks: nil), publicID: publicID, accountID: accountID, by: actor) { db in
            var key = try await Self.activeKey(publicID: publicID, accountID: accountID, keys: keys, db: db, now: now)
            let after = reshaped(key)
            try Self.check(.reshape(after), key, by: actor)
            if usage != nil, actor.bounds?.usageLimited == true { throw KeyAuthorityRefusal.usage }
            key.limits = after.limits
            key.usageLimited = after.usageLimited
            key.usageRefill = after.usageRefill
            key.updatedAt = now
            try await keys.save(key, in: db)
            switch usage {
            case .unlimited: try await credits.remove(keyID: key.id, in: db)
            case .limited(let limit):
                if let remaining = limit.remaining {
                    try await credits.set(keyID: key.id, remaining: remaining, now: now, in: db)
                } else if key.usageRemaining == nil {
                    try await credits.set(keyID: key.id, remaining: limit.startingCredits, now: now, in: db)
                }
            case nil: break
            }
            var details = "limits=\(KeyLimit.text(key.limits))"
            if key.usageLimited {
                details += " usage=limited"
                if let refill = key.usageRefill { details += " refill=\(refill.amount)/\(refill.period.rawValue)" }
            }
            try await events.add(
                AuditEntry(
                    accountID: accountID, keyID: key.id, event: "limits_changed", actor: actor.name, clientIP: actor.clientIP, details: details,
                    createdAt: now), in: db)
            return try await keys.find(publicID: publicID, in: db) ?? key
        }
    }

    /// Spends one credit of a usage-limited key (the API's key layer, per request).
    public func spendCredit(of key: APIKey) async throws -> CreditSpend {
        try await credits.spend(keyID: key.id, refill: key.usageRefill, now: clock.now())
    }
}
