/// A stored API key: everything but the secret, of which only a hash is kept.
public struct APIKey: Sendable, Equatable, Identifiable {
    public enum Status: Int, Sendable {
        case active = 0
        case revoked = 1
        /// Unused for longer than the account's policy allows: refused until an administrator enables it again.
        case disabled = 2
    }

    public let id: Int64
    public let accountID: Int64
    public let publicID: String
    public var name: String
    public var secretHash: String
    public var lastFour: String
    public var scopes: APIScopeSet
    /// Empty: every group of the account; otherwise only datapoints in these groups.
    public var groupIDs: [Int64]
    /// Empty: any address.
    public var allowedNetworks: [IPNetwork]
    public var ratePerSecond: Int
    public var burst: Int
    public var expiresAt: Int64?
    public var status: Status
    /// After a rotation the previous secret keeps working until `previousValidUntil` (the grace period).
    public var previousSecretHash: String?
    public var previousValidUntil: Int64?
    public let createdAt: Int64
    public let createdBy: String
    public var updatedAt: Int64
    public var revokedAt: Int64?
    public var lastUsedAt: Int64?
    public var lastUsedIP: String?
    /// Set for a guest's key: the guest's grants bound everything it reaches.
    public var guestID: Int64?
    /// Named limits beside the per-second rate (e.g. 50,000 a day), each enforced on its own; the headers report the
    /// tightest.
    public var limits: [KeyLimit]
    /// A key with a number of requests to spend (`key_credits`); 429 `usage_exceeded` when none are left.
    public var usageLimited: Bool
    /// When the credits come back, if they do.
    public var usageRefill: UsageRefill?
    /// When the current secret was made (creation or the last rotation): the age a rotation policy measures.
    public var secretCreatedAt: Int64
    /// When an administrator last enabled the key again (staleness counts from then too).
    public var enabledAt: Int64?
    /// The credits left when the key was read (for showing; spending is one conditional UPDATE, never this value).
    public var usageRemaining: Int64?

    public init(
        id: Int64, accountID: Int64, publicID: String, name: String, secretHash: String, lastFour: String, scopes: APIScopeSet,
        groupIDs: [Int64] = [], allowedNetworks: [IPNetwork] = [], ratePerSecond: Int = APIKey.defaultRate, burst: Int = APIKey.defaultBurst,
        expiresAt: Int64? = nil, status: Status = .active, previousSecretHash: String? = nil, previousValidUntil: Int64? = nil,
        createdAt: Int64, createdBy: String, updatedAt: Int64, revokedAt: Int64? = nil, lastUsedAt: Int64? = nil, lastUsedIP: String? = nil,
        guestID: Int64? = nil, limits: [KeyLimit] = [], usageLimited: Bool = false, usageRefill: UsageRefill? = nil,
        usageRemaining: Int64? = nil, secretCreatedAt: Int64? = nil, enabledAt: Int64? = nil
    ) {
        self.usageRemaining = usageRemaining
        self.secretCreatedAt = secretCreatedAt ?? createdAt
        self.enabledAt = enabledAt
        self.limits = limits
        self.usageLimited = usageLimited
        self.usageRefill = usageRefill
        self.id = id
        self.accountID = accountID
        self.publicID = publicID
        self.name = name
        self.secretHash = secretHash
        self.lastFour = lastFour
        self.scopes = scopes
        self.groupIDs = groupIDs
        self.allowedNetworks = allowedNetworks
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.expiresAt = expiresAt
        self.status = status
        self.previousSecretHash = previousSecretHash
        self.previousValidUntil = previousValidUntil
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedIP = lastUsedIP
        self.guestID = guestID
    }

    /// ClickMeter's documented limit: 10 requests a second.
    public static let defaultRate = 10
    public static let defaultBurst = 20
    /// Rotation keeps the old secret working this long unless told otherwise.
    public static let defaultGraceMilliseconds: Int64 = 24 * 3_600_000

    public func isExpired(at now: Int64) -> Bool { expiresAt.map { now >= $0 } ?? false }

    /// The last time the key showed life: used, created, or enabled again.
    public var lastActiveAt: Int64 { max(lastUsedAt ?? 0, createdAt, enabledAt ?? 0) }
}

/// Why a presented key was refused, or how it was accepted. The reason is machine-readable and says nothing
/// of the key beyond what the client sent.
public enum APIKeyVerdict: Sendable, Equatable {
    case accepted(usedPreviousSecret: Bool)
    case refused(APIKeyRefusal)
}

public enum APIKeyRefusal: String, Sendable, Equatable {
    case missing = "key_missing"
    case malformed = "key_malformed"
    case unknown = "key_unknown"
    case revoked = "key_revoked"
    case expired = "key_expired"
    case addressNotAllowed = "key_address_not_allowed"
    case disabled = "key_disabled"

    public var message: String {
        switch self {
        case .missing: "an API key is required: send it in the X-ClickMeter-API-Key header"
        case .malformed: "the API key is not well formed"
        case .unknown: "the API key is not valid"
        case .revoked: "the API key has been revoked"
        case .expired: "the API key has expired"
        case .addressNotAllowed: "the API key may not be used from this address"
        case .disabled: "the API key was disabled after going unused; an administrator can enable it again"
        }
    }
}

extension APIKey {
    /// The verification rules after the lookup. The secret is compared first, in constant time, so that a
    /// revoked or expired key is only reported to someone who holds it.
    public func verify(_ token: APIKeyToken, clientIP: IPAddress?, now: Int64, hasher: APIKeyHasher) -> APIKeyVerdict {
        var usedPrevious = false
        if !hasher.matches(secret: token.secret, storedHash: secretHash) {
            guard let previousSecretHash, let previousValidUntil, now < previousValidUntil,
                hasher.matches(secret: token.secret, storedHash: previousSecretHash)
            else { return .refused(.unknown) }
            usedPrevious = true
        }
        if status == .revoked { return .refused(.revoked) }
        if status == .disabled { return .refused(.disabled) }
        if isExpired(at: now) { return .refused(.expired) }
        if !allowedNetworks.isEmpty {
            guard let clientIP, allowedNetworks.contains(where: { $0.contains(clientIP) }) else { return .refused(.addressNotAllowed) }
        }
        return .accepted(usedPreviousSecret: usedPrevious)
    }
}
