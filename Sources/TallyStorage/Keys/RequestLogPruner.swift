import Logging
import ServiceLifecycle
import TallyCore

/// Keeps the API usage log to `--request-log-days` (default 30): every interval, rows older than that go, a
/// thousand per transaction. Any node may run it; two at once only delete the same old rows.
public struct RequestLogPruner: Service {
    let events: SQLKeyEventRepository
    let retentionMilliseconds: Int64
    let interval: Duration
    let clock: WallClock
    let logger: Logger

    public init(database: any TallyDatabase, retentionDays: Int, interval: Duration = .seconds(300), clock: WallClock = .system, logger: Logger) {
        self.events = SQLKeyEventRepository(database: database)
        self.retentionMilliseconds = Int64(retentionDays) * 86_400_000
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await prune()
                } catch {
                    logger.warning("request log pruning failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    @discardableResult
    public func prune() async throws -> Int {
        try await events.prune(before: clock.now() - retentionMilliseconds)
    }
}
