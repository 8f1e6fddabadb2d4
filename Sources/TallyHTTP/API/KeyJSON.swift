import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// A key as the API shows it: never the secret or its hash; the full key only in the answer to create/rotate.
struct KeyJSON: ResponseEncodable {
    let id: String
    let name: String
    let lastFour: String
    let scopes: [String]
    let groups: [Int64]
    let allowedNetworks: [String]
    let rateLimit: RateLimitJSON
    let status: String
    let createdAt: String
    /// When the current secret was made (creation or the last rotation): its age is what a rotation policy measures.
    let secretCreatedAt: String
    let createdBy: String
    let expiresAt: String?
    let revokedAt: String?
    let lastUsedAt: String?
    let lastUsedIp: String?
    let previousSecretValidUntil: String?
    let format: String
    /// Named limits beside `rateLimit`.
    let limits: [KeyLimitJSON]
    /// Present for a usage-limited key.
    let usage: KeyUsageLimitJSON?
    var key: String?

    struct RateLimitJSON: Codable {
        let perSecond: Int
        let burst: Int
    }

    init(_ key: APIKey, now: Int64, fullKey: String? = nil) {
        id = key.publicID
        name = key.name
        lastFour = key.lastFour
        scopes = key.scopes.scopes.sorted().map(\.description)
        groups = key.groupIDs
        allowedNetworks = key.allowedNetworks.map(\.description)
        rateLimit = .init(perSecond: key.ratePerSecond, burst: key.burst)
        status =
            switch key.status {
            case .revoked: "revoked"
            case .disabled: "disabled"
            case .active: key.isExpired(at: now) ? "expired" : "active"
            }
        createdAt = Self.iso(key.createdAt)
        secretCreatedAt = Self.iso(key.secretCreatedAt)
        createdBy = key.createdBy
        expiresAt = key.expiresAt.map(Self.iso)
        revokedAt = key.revokedAt.map(Self.iso)
        lastUsedAt = key.lastUsedAt.map(Self.iso)
        lastUsedIp = key.lastUsedIP
        previousSecretValidUntil = key.previousValidUntil.flatMap { $0 > now ? Self.iso($0) : nil }
        format = APIKeyToken.format(ofPublicID: key.publicID).rawValue
        limits = key.limits.map(KeyLimitJSON.init)
        usage =
            key.usageLimited
            ? KeyUsageLimitJSON(
                remaining: key.usageRemaining ?? 0, refill: key.usageRefill.map { .init(amount: $0.amount, period: $0.period.rawValue) })
            : nil
        self.key = fullKey
    }

    static func iso(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601)
    }
}

struct Entities<Item: Encodable & Sendable>: ResponseEncodable {
    let entities: [Item]
    var lastKey: String?
}

/// `POST /v2/keys`.
struct CreateKeyBody: Decodable {
    let name: String
    /// A preset name or a list of `resource:access`.
    let scopes: ScopesValue
    var groups: [Int64]?
    var allowedNetworks: [String]?
    var expiresInDays: Int?
    var rateLimit: KeyJSON.RateLimitJSON?
    var limits: [KeyLimitJSON]?
    var usage: KeyUsageLimitJSON.Request?
    /// `standard` (default) or `guid`, ClickMeter's shape for clients that accept nothing else (weaker: 80-bit secret).
    var format: String?

    enum ScopesValue: Decodable {
        case text(String)
        case list([String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) } else { self = .list(try container.decode([String].self)) }
        }

        var parsed: APIScopeSet {
            get throws(ValidationError) {
                switch self {
                case .text(let text): try APIScopeSet.parse(text)
                case .list(let list): try APIScopeSet.parse(list.joined(separator: ","))
                }
            }
        }
    }
}

struct UpdateKeyBody: Decodable {
    var name: String?
    var allowedNetworks: [String]?
    /// Replaces the named limits (`[]`: none).
    var limits: [KeyLimitJSON]?
    /// Replaces the usage limit: `{"remaining": …, "refill": …}`, or `{"unlimited": true}`.
    var usage: KeyUsageLimitJSON.Request?
}

/// `{"name": "daily", "requests": 50000, "seconds": 86400}`.
struct KeyLimitJSON: Codable {
    let name: String
    let requests: Int
    let seconds: Int

    init(_ limit: KeyLimit) {
        (name, requests, seconds) = (limit.name, limit.requests, limit.seconds)
    }

    var parsed: KeyLimit { get throws(ValidationError) { try KeyLimit(name: name, requests: requests, seconds: seconds) } }
}

/// A usage-limited key: what it has left and how it refills.
struct KeyUsageLimitJSON: Codable {
    let remaining: Int64
    let refill: Refill?

    struct Refill: Codable {
        let amount: Int64
        /// `day` or `month` (UTC).
        let period: String

        var parsed: UsageRefill {
            get throws(ValidationError) {
                guard let period = UsageRefill.Period(rawValue: period) else {
                    throw ValidationError(field: "usage", code: "usage_invalid", message: "a refill's period is day or month")
                }
                return try UsageRefill(amount: amount, period: period)
            }
        }
    }

    /// As asked for in a create or update.
    struct Request: Decodable {
        var remaining: Int64?
        var refill: Refill?
        var unlimited: Bool?

        var change: KeyService.UsageChange {
            get throws(ValidationError) {
                if unlimited == true {
                    guard remaining == nil, refill == nil else {
                        throw ValidationError(field: "usage", code: "usage_invalid", message: "unlimited takes neither remaining nor refill")
                    }
                    return .unlimited
                }
                return .limited(try UsageLimit(remaining: remaining, refill: try refill?.parsed))
            }
        }
    }
}

struct RotateKeyBody: Decodable {
    var graceHours: Double?
}

struct LeakReportBody: Decodable {
    let key: String
}

/// `GET|PUT /v2/account/key-policy`: the account's key lifecycle rules.
struct KeyPolicyJSON: Codable, ResponseEncodable {
    var maxAgeDays: Int?
    var warningDays: [Int]?
    var expireAtMaxAge: Bool?
    var staleDays: Int?
    var disableStale: Bool?

    init(_ policy: KeyPolicy) {
        (maxAgeDays, warningDays, expireAtMaxAge) = (policy.maxAgeDays, policy.warningDays, policy.expireAtMaxAge)
        (staleDays, disableStale) = (policy.staleDays, policy.disableStale)
    }

    var policy: KeyPolicy {
        KeyPolicy(
            maxAgeDays: maxAgeDays, warningDays: warningDays ?? KeyPolicy.none.warningDays, expireAtMaxAge: expireAtMaxAge ?? false,
            staleDays: staleDays, disableStale: disableStale ?? false)
    }
}
