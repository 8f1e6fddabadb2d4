import Logging
import SQLKit
import ServiceLifecycle
import TallyCore

/// Applies every account's key policy (`KeyPolicy`): warnings before a rotation or an expiry is due, a key overdue for
/// rotation (expired when the policy says), a key unused too long (disabled when the policy says). Each notice is
/// claimed once in `key_notices` (its primary key), then written as an alert and an audit entry and handed to
/// `notify` (the account's webhook) — once for the cluster, whichever node claims it. On PostgreSQL one node sweeps at a
/// time (`ClusterJobLock`); every node tries each `interval`, so another takes over when one dies.
public struct KeyPolicySweeper: Service {
    let database: any TallyDatabase
    let interval: Duration
    let clock: WallClock
    let timer: any Clock<Duration>
    let notify: @Sendable (KeyAlert, String) -> Void
    let logger: Logger

    public init(
        database: any TallyDatabase, interval: Duration = .seconds(60), clock: WallClock = .system, timer: any Clock<Duration> = ContinuousClock(),
        notify: @escaping @Sendable (KeyAlert, String) -> Void = { _, _ in }, logger: Logger
    ) {
        self.database = database
        self.interval = interval
        self.clock = clock
        self.timer = timer
        self.notify = notify
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, on: timer, logger: logger, what: "key policy sweep") { try await sweep() }
    }

    /// One round: the alerts raised (already written and notified).
    @discardableResult
    public func sweep() async throws -> [KeyAlert] {
        let now = clock.now()
        let raised: [(KeyAlert, String)] = try await database.transaction { db in
            guard try await ClusterJobLock.keyPolicy.take(in: db) else { return [] }
            let keys = SQLAPIKeyRepository(database: database)
            let events = SQLKeyEventRepository(database: database)
            // Every account's policy (a few rows: an account without rules still has its warning days, for expiry
            // reminders), then the live keys of accounts with a rule and any key with an expiry still ahead.
            var policies: [Int64: KeyPolicy] = [:]
            for row in try await db.select().column("id")
                .columns("key_max_age_days", "key_warning_days", "key_expire_at_max_age", "key_stale_days", "key_disable_stale")
                .from("accounts").all()
            {
                policies[try row.decode(column: "id", as: Int64.self)] = try AccountService.policy(from: row)
            }
            let ruled = policies.filter { $0.value.maxAgeDays != nil || $0.value.staleDays != nil }.map(\.key)
            let rows = try await keys.select(db).where("status", .equal, APIKey.Status.active.rawValue)
                .where { group in
                    group.where("expires_at", .greaterThan, now)
                    if !ruled.isEmpty { group.orWhere("account_id", .in, ruled) }
                    return group
                }
                .all()
            var raised: [(KeyAlert, String)] = []
            for row in rows {
                var key = try SQLAPIKeyRepository.key(from: row)
                guard !key.isExpired(at: now) else { continue }
                let policy = policies[key.accountID] ?? .none
                for notice in policy.notices(
                    publicID: key.publicID, secretCreatedAt: key.secretCreatedAt, expiresAt: key.expiresAt, lastActiveAt: key.lastActiveAt,
                    now: now)
                {
                    let claimed = try await db.raw(
                        """
                        INSERT INTO key_notices (key_id, marker, created_at) VALUES (\(bind: key.id), \(bind: notice.marker), \(bind: now)) \
                        ON CONFLICT DO NOTHING RETURNING key_id
                        """
                    ).first()
                    guard claimed != nil else { continue }
                    if notice.expireAt != nil || notice.disable {
                        if let expireAt = notice.expireAt { key.expiresAt = expireAt }
                        if notice.disable { key.status = .disabled }
                        key.updatedAt = now
                        try await keys.save(key, in: db)
                    }
                    try await events.add(
                        AuditEntry(
                            accountID: key.accountID, keyID: key.id, event: notice.disable ? "disabled" : notice.kind.rawValue, actor: "key policy",
                            details: notice.message, createdAt: now), in: db)
                    let alert = KeyAlert(
                        accountID: key.accountID, keyID: key.id, kind: KeyAlert.Kind(notice.kind), message: notice.message,
                        clientIP: "", createdAt: now)
                    try await events.add(alert, in: db)
                    if notice.kind != .rotationDue {
                        try await KeyService.announce(notice.kind == .stale ? .keyStale : .keyExpiring, key, now: now, in: db)
                    }
                    raised.append((alert, key.publicID))
                }
            }
            return raised
        }
        for (alert, publicID) in raised { notify(alert, publicID) }
        return raised.map(\.0)
    }
}
