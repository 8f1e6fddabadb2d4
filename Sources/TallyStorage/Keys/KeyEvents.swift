import SQLKit
import TallyCore

/// One API request as the usage log keeps it: never the key, only its id.
public struct APIRequestRecord: Sendable, Equatable {
    public var accountID: Int64?
    public var keyID: Int64?
    public var time: Int64
    public var method: String
    /// The route template (`/v2/keys/{id}`), not the path: ids and query strings stay out.
    public var route: String
    public var status: Int
    public var latencyMicroseconds: Int64
    public var clientIP: String
    public var keyInQuery: Bool
    public var usedPreviousSecret: Bool

    public init(
        accountID: Int64?, keyID: Int64?, time: Int64, method: String, route: String, status: Int, latencyMicroseconds: Int64,
        clientIP: String, keyInQuery: Bool, usedPreviousSecret: Bool
    ) {
        self.accountID = accountID
        self.keyID = keyID
        self.time = time
        self.method = method
        self.route = route
        self.status = status
        self.latencyMicroseconds = latencyMicroseconds
        self.clientIP = clientIP
        self.keyInQuery = keyInQuery
        self.usedPreviousSecret = usedPreviousSecret
    }
}

extension KeyAlert.Kind {
    /// The alert a key policy's notice raises.
    public init(_ notice: KeyPolicy.Notice.Kind) {
        switch notice {
        case .rotationDue: self = .rotationDue
        case .expiring: self = .expiring
        case .stale: self = .stale
        }
    }
}

/// An anomaly worth a human's attention.
public struct KeyAlert: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case rateSpike = "rate_spike"
        case newNetwork = "new_network"
        case failedAttempts = "failed_attempts"
        case previousSecretUsed = "previous_secret_used"
        case keyInURL = "key_in_url"
        case plainHTTP = "plain_http"
        case leaked = "leaked"
        /// From the account's key policy (`KeyPolicySweeper`).
        case rotationDue = "rotation_due"
        case expiring = "expiring"
        case stale = "stale"
    }

    public var id: Int64
    public var accountID: Int64?
    public var keyID: Int64?
    public var kind: Kind
    public var message: String
    public var clientIP: String
    public var createdAt: Int64
    public var acknowledgedAt: Int64?

    public init(
        id: Int64 = 0, accountID: Int64?, keyID: Int64?, kind: Kind, message: String, clientIP: String, createdAt: Int64,
        acknowledgedAt: Int64? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.keyID = keyID
        self.kind = kind
        self.message = message
        self.clientIP = clientIP
        self.createdAt = createdAt
        self.acknowledgedAt = acknowledgedAt
    }
}

/// A key event in the audit log: who did what to which key, when and from where.
public struct AuditEntry: Sendable, Equatable {
    public var accountID: Int64?
    public var keyID: Int64?
    public var event: String
    public var actor: String
    public var clientIP: String
    public var details: String
    public var createdAt: Int64

    public init(accountID: Int64?, keyID: Int64?, event: String, actor: String, clientIP: String = "", details: String = "", createdAt: Int64) {
        self.accountID = accountID
        self.keyID = keyID
        self.event = event
        self.actor = actor
        self.clientIP = clientIP
        self.details = details
        self.createdAt = createdAt
    }
}
