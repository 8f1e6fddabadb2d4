import Logging
import ServiceLifecycle
import TallyCore

/// Told about every batch, so the HTTP layer can export metrics without storage knowing Prometheus.
public protocol HitWriterObserver: Sendable {
    func batchCommitted(size: Int, duration: Duration)
    func batchFailed(size: Int)
}

/// Drains the `HitBuffer` into the database, one transaction per batch. A failed batch is retried
/// (it was rolled back, so retrying cannot double-count) until it commits: hits are never dropped.
public struct HitWriter: Service {
    let buffer: HitBuffer
    let repository: SQLHitRepository
    let batchLimit: Int
    let observer: (any HitWriterObserver)?
    let clock: WallClock
    let logger: Logger

    public init(
        buffer: HitBuffer, repository: SQLHitRepository, batchLimit: Int = 1000, observer: (any HitWriterObserver)? = nil,
        clock: WallClock = .system, logger: Logger
    ) {
        self.buffer = buffer
        self.repository = repository
        self.batchLimit = batchLimit
        self.observer = observer
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        // Services shut down in reverse order, so by the time this runs the server has stopped taking
        // requests: closing the buffer then only lets us drain what is already queued.
        await withGracefulShutdownHandler {
            await drain()
        } onGracefulShutdown: {
            buffer.close()
        }
        logger.info("hit writer stopped", metadata: ["bufferedHits": "\(buffer.depth)"])
    }

    /// Writes batches until the buffer is closed and empty.
    public func drain() async {
        var lastPrune = clock.now()
        while let batch = await buffer.takeBatch(limit: batchLimit) {
            await write(batch)
            let now = clock.now()
            if now - lastPrune > 60_000 {
                lastPrune = now
                try? await repository.pruneVisitorWindows(olderThan: now - UniqueVisitorWindow.windowMilliseconds)
            }
        }
    }

    func write(_ batch: [HitBuffer.Entry]) async {
        let hits = batch.map(\.hit)
        var delay = Duration.milliseconds(50)
        while true {
            let start = ContinuousClock.now
            do {
                _ = try await repository.record(hits)
                observer?.batchCommitted(size: hits.count, duration: ContinuousClock.now - start)
                for entry in batch { entry.acknowledgement?.resume() }
                return
            } catch {
                observer?.batchFailed(size: hits.count)
                logger.error("hit batch failed; retrying", metadata: ["size": "\(hits.count)", "error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
