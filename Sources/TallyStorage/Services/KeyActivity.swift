import TallyCore

/// What the API's key routes and the dashboard's keys pages show of a key's use: its requests and usage per bucket
/// (of a key the caller already holds through `KeyService.key(publicID:accountID:)`, so another account's key is
/// never read), and the account's alerts and audit trail.
public struct KeyActivity: Sendable {
    let events: SQLKeyEventRepository
    let clock: WallClock

    public init(events: SQLKeyEventRepository, clock: WallClock) {
        self.events = events
        self.clock = clock
    }

    /// Requests per bucket, route and status class in [from, to).
    public func usage(of key: APIKey, from: Int64, to: Int64, bucketMilliseconds: Int64) async throws -> [SQLKeyEventRepository.UsageRow] {
        try await events.usage(keyID: key.id, from: from, to: to, bucketMilliseconds: bucketMilliseconds)
    }

    /// The key's latest requests, newest first, before the row id `before` when given.
    public func requests(of key: APIKey, before: Int64?, limit: Int) async throws -> [(id: Int64, record: APIRequestRecord)] {
        try await events.requests(keyID: key.id, before: before, limit: limit)
    }

    public func alerts(accountID: Int64, limit: Int = 100) async throws -> [KeyAlert] { try await events.alerts(accountID: accountID, limit: limit) }

    /// Marks one of the account's alerts seen now; `false` when the id names none of them.
    public func acknowledge(alertID: Int64, accountID: Int64) async throws -> Bool {
        try await events.acknowledge(alertID: alertID, accountID: accountID, at: clock.now())
    }

    public func audit(accountID: Int64, limit: Int = 100) async throws -> [AuditEntry] { try await events.audit(accountID: accountID, limit: limit) }
}
