/// An account's event webhook: where events go and which. Its signing secret is never part of this value: it is shown
/// once at creation and kept sealed at rest.
public struct Webhook: Sendable, Equatable, Identifiable {
    public let id: Int64
    public let accountID: Int64
    public var url: String
    public var events: [WebhookEvent]
    public var enabled: Bool
    public let createdAt: Int64
    public let createdBy: String
    public var updatedAt: Int64

    public init(
        id: Int64, accountID: Int64, url: String, events: [WebhookEvent], enabled: Bool, createdAt: Int64, createdBy: String, updatedAt: Int64
    ) {
        self.id = id
        self.accountID = accountID
        self.url = url
        self.events = events
        self.enabled = enabled
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.updatedAt = updatedAt
    }
}

/// One event for one webhook, as the outbox holds it.
public struct WebhookMessage: Sendable, Equatable {
    public enum State: Int, Sendable {
        case pending = 0
        case delivered = 1
        /// Retried for 24 hours without a 2xx: given up (redeliverable by hand).
        case failed = 2
    }

    public let id: Int64
    public let webhookID: Int64
    public let accountID: Int64
    public let event: String
    public let subject: String
    public let payload: String
    public let createdAt: Int64
    public var attempts: Int
    public var state: State
    public var deliveredAt: Int64?

    public init(
        id: Int64, webhookID: Int64, accountID: Int64, event: String, subject: String, payload: String, createdAt: Int64, attempts: Int,
        state: State, deliveredAt: Int64?
    ) {
        self.id = id
        self.webhookID = webhookID
        self.accountID = accountID
        self.event = event
        self.subject = subject
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.state = state
        self.deliveredAt = deliveredAt
    }
}

/// One attempt to deliver a message (the delivery log).
public struct WebhookAttempt: Sendable, Equatable {
    public let id: Int64
    public let messageID: Int64
    public let event: String
    public let attemptedAt: Int64
    /// The receiver's status, 0 when none came (refused, timed out, pointed inside).
    public let statusCode: Int
    public let latencyMilliseconds: Int
    public let error: String

    public init(id: Int64, messageID: Int64, event: String, attemptedAt: Int64, statusCode: Int, latencyMilliseconds: Int, error: String) {
        self.id = id
        self.messageID = messageID
        self.event = event
        self.attemptedAt = attemptedAt
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
    }
}
