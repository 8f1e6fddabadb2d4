/// The bounds a key carries — what it can reach, from where, until when and how fast — and the one rule for
/// managing keys: an actor may create, change, rotate, revoke or delete a key only when its own bounds *cover* the
/// target's (a key may always rotate or revoke itself). Without this rule a key with only `keys:write` could rotate
/// the owner's admin key and read the new secret from the answer: a privilege escalation through key management.
public struct KeyBounds: Sendable, Equatable {
    public var scopes: APIScopeSet
    /// Empty: every group of the account.
    public var groupIDs: Set<Int64>
    /// Empty: any address.
    public var allowedNetworks: [IPNetwork]
    /// `nil`: never expires.
    public var expiresAt: Int64?
    public var ratePerSecond: Int
    public var burst: Int
    /// A guest's key; such a key can only manage keys of the same guest.
    public var guestID: Int64?
    /// Named limits beside the per-second rate (a daily cap…).
    public var limits: [KeyLimit]
    /// A key with credits to spend; and whether they come back.
    public var usageLimited: Bool
    public var usageRefill: UsageRefill?

    public init(
        scopes: APIScopeSet, groupIDs: Set<Int64> = [], allowedNetworks: [IPNetwork] = [], expiresAt: Int64? = nil,
        ratePerSecond: Int = APIKey.defaultRate, burst: Int = APIKey.defaultBurst, guestID: Int64? = nil, limits: [KeyLimit] = [],
        usageLimited: Bool = false, usageRefill: UsageRefill? = nil
    ) {
        self.limits = limits
        self.usageLimited = usageLimited
        self.usageRefill = usageRefill
        self.scopes = scopes
        self.groupIDs = groupIDs
        self.allowedNetworks = allowedNetworks
        self.expiresAt = expiresAt
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.guestID = guestID
    }

    public init(_ key: APIKey) {
        self.init(
            scopes: key.scopes, groupIDs: Set(key.groupIDs), allowedNetworks: key.allowedNetworks, expiresAt: key.expiresAt,
            ratePerSecond: key.ratePerSecond, burst: key.burst, guestID: key.guestID, limits: key.limits, usageLimited: key.usageLimited,
            usageRefill: key.usageRefill)
    }

    /// Why these bounds do not cover `target`, or `nil` when they do. Checked in a fixed order so that a refusal
    /// names the same reason every time.
    public func refusal(toManage target: KeyBounds) -> KeyAuthorityRefusal? {
        if !scopes.covers(target.scopes) { return .scopes }
        if !groupIDs.isEmpty, target.groupIDs.isEmpty || !target.groupIDs.isSubset(of: groupIDs) { return .groups }
        if !allowedNetworks.isEmpty,
            target.allowedNetworks.isEmpty || !target.allowedNetworks.allSatisfy({ inner in allowedNetworks.contains { $0.contains(inner) } })
        {
            return .networks
        }
        if let limit = expiresAt, (target.expiresAt ?? .max) > limit { return .expiry }
        if target.ratePerSecond > ratePerSecond || target.burst > burst { return .rate }
        // Each of this key's named limits must hold for the target too: one of the target's limits (its per-second
        // bucket included) is at least as strict, in size and in refill.
        for own in limits {
            let covered =
                target.limits.contains { $0.isWithin(requests: own.requests, rate: own.rate) }
                || (target.burst <= own.requests && Double(target.ratePerSecond) <= own.rate)
            if !covered { return .limits }
        }
        // Credits cannot be minted: a usage-limited key manages only usage-limited keys without a refill (what it gives
        // a new key comes out of its own credits, `KeyService.create`).
        if usageLimited, !target.usageLimited || target.usageRefill != nil { return .usage }
        if let guestID, target.guestID != guestID { return .guest }
        return nil
    }

    /// What a new key gets where its request left a bound open: the actor's own, so that an address-limited or
    /// group-limited key mints keys limited the same way unless told narrower ones (and the rule above still checks).
    public func inherited(by requested: KeyBounds, rateGiven: Bool) -> KeyBounds {
        var bounds = requested
        if bounds.groupIDs.isEmpty { bounds.groupIDs = groupIDs }
        if bounds.allowedNetworks.isEmpty { bounds.allowedNetworks = allowedNetworks }
        if bounds.expiresAt == nil { bounds.expiresAt = expiresAt }
        if !rateGiven {
            bounds.ratePerSecond = min(bounds.ratePerSecond, ratePerSecond)
            bounds.burst = min(bounds.burst, burst)
        }
        if bounds.guestID == nil { bounds.guestID = guestID }
        if bounds.limits.isEmpty { bounds.limits = limits }
        return bounds
    }
}

/// Why an actor may not manage a key: a 403 with this code, and an audit entry naming the actor.
public enum KeyAuthorityRefusal: String, Sendable, Error, Equatable {
    case scopes = "scopes_exceed_own"
    case groups = "groups_exceed_own"
    case networks = "networks_exceed_own"
    case expiry = "expiry_exceeds_own"
    case rate = "rate_exceeds_own"
    case limits = "limits_exceed_own"
    case usage = "usage_exceeds_own"
    case guest = "guest_key_foreign"
    /// A dashboard user whose role does not allow managing keys of this power.
    case role = "role_insufficient"

    public var field: String {
        switch self {
        case .scopes: "scopes"
        case .groups: "groups"
        case .networks: "allowedNetworks"
        case .expiry: "expiresAt"
        case .rate: "rateLimit"
        case .limits: "limits"
        case .usage: "usage"
        case .guest: "guest"
        case .role: "role"
        }
    }

    public var message: String {
        switch self {
        case .scopes: "the key has scopes this key (or user) does not have"
        case .groups: "the key reaches groups this key is not limited to"
        case .networks: "the key may be used from addresses this key may not be used from"
        case .expiry: "the key would outlive this key"
        case .rate: "the key has a higher rate limit than this key"
        case .limits: "the key is not held by one of this key's named limits"
        case .usage: "a usage-limited key may only give usage-limited keys without a refill, out of its own remaining requests"
        case .guest: "a guest's key can only manage that guest's keys"
        case .role: "this user's role does not allow managing such a key"
        }
    }
}

extension IPNetwork {
    /// Whether every address of `other` is in this block.
    public func contains(_ other: IPNetwork) -> Bool {
        other.prefixLength >= prefixLength && contains(other.address)
    }
}
