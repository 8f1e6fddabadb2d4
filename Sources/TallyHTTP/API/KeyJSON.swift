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
    let createdBy: String
    let expiresAt: String?
    let revokedAt: String?
    let lastUsedAt: String?
    let lastUsedIp: String?
    let previousSecretValidUntil: String?
    let format: String
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
        status = key.status == .revoked ? "revoked" : key.isExpired(at: now) ? "expired" : "active"
        createdAt = Self.iso(key.createdAt)
        createdBy = key.createdBy
        expiresAt = key.expiresAt.map(Self.iso)
        revokedAt = key.revokedAt.map(Self.iso)
        lastUsedAt = key.lastUsedAt.map(Self.iso)
        lastUsedIp = key.lastUsedIP
        previousSecretValidUntil = key.previousValidUntil.flatMap { $0 > now ? Self.iso($0) : nil }
        format = APIKeyToken.format(ofPublicID: key.publicID).rawValue
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
}

struct RotateKeyBody: Decodable {
    var graceHours: Double?
}

struct LeakReportBody: Decodable {
    let key: String
}
