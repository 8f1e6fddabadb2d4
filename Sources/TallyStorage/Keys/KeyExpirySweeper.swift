import Logging
import SQLKit
import ServiceLifecycle
import TallyCore

/// Writes the audit log's `expired` entry for every key whose expiry has passed (once per key, whichever node
/// gets there first). Expired keys are already refused at verification; this makes the moment visible. Every node tries
/// every 10 seconds (one cheap indexed query), so when the node doing it dies another does the next round within 10 s.
public struct KeyExpirySweeper: Service {
    let database: any TallyDatabase
    let interval: Duration
    let clock: WallClock
    let timer: any Clock<Duration>
    let logger: Logger

    public init(
        database: any TallyDatabase, interval: Duration = .seconds(10), clock: WallClock = .system,
        timer: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.timer = timer
        self.database = database
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, on: timer, logger: logger, what: "key expiry sweep") { try await sweep() }
    }

    /// Inserts the missing `expired` entries; on PostgreSQL one node at a time (`ClusterJobLock`): while another node
    /// sweeps, this round does nothing and answers 0.
    @discardableResult
    public func sweep() async throws -> Int {
        let now = clock.now()
        return try await database.transaction { db in
            guard try await ClusterJobLock.keyExpiry.take(in: db) else { return 0 }
            let due = try await db.raw(
                """
                SELECT id, account_id, expires_at FROM api_keys WHERE status = \(bind: APIKey.Status.active.rawValue) \
                AND expires_at IS NOT NULL AND expires_at <= \(bind: now) \
                AND NOT EXISTS (SELECT 1 FROM audit_log WHERE audit_log.key_id = api_keys.id AND audit_log.event = 'expired')
                """
            ).all()
            for row in due {
                try await SQLKeyEventRepository(database: database).add(
                    AuditEntry(
                        accountID: try row.decode(column: "account_id", as: Int64.self), keyID: try row.decode(column: "id", as: Int64.self),
                        event: "expired", actor: "system", createdAt: try row.decode(column: "expires_at", as: Int64.self)), in: db)
            }
            return due.count
        }
    }
}
