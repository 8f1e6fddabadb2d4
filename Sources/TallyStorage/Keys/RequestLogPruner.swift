import Logging
import ServiceLifecycle
import TallyCore

/// Keeps the API usage log to `--request-log-days` (default 30): every interval (10 s: a round that finds nothing is one
/// indexed query, and a node that dies mid-round is taken over within it), rows older than that go, a
/// thousand per transaction, each by one node at a time on PostgreSQL (`ClusterJobLock`). The shared rate buckets that
/// are full again go too (`SQLRateBuckets.pruneFull`: a bucket nobody used for a while is the same as none).
public struct RequestLogPruner: Service {
    let events: SQLKeyEventRepository
    let buckets: SQLRateBuckets
    let retentionMilliseconds: Int64
    let interval: Duration
    let clock: WallClock
    let timer: any Clock<Duration>
    let logger: Logger

    public init(
        database: any TallyDatabase, retentionDays: Int, interval: Duration = .seconds(10), clock: WallClock = .system,
        timer: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.timer = timer
        self.events = SQLKeyEventRepository(database: database)
        self.buckets = SQLRateBuckets(database: database)
        self.retentionMilliseconds = Int64(retentionDays) * 86_400_000
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await runPeriodically(every: interval, on: timer, logger: logger, what: "request log pruning") { try await prune() }
    }

    @discardableResult
    public func prune() async throws -> Int {
        try await buckets.pruneFull(now: clock.now())
        return try await events.prune(before: clock.now() - retentionMilliseconds)
    }
}
