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
    /// How long to let a batch fill before writing it. Each batch rewrites every index page it touches, so
    /// fuller batches cost far less per hit (measured with 10,000 links: ~31 µs a hit in batches of 1,000,
    /// ~19 in 5,000, ~10 in 20,000); the price is that hits reach the database up to this much later.
    let linger: Duration
    let observer: (any HitWriterObserver)?
    /// Finds each hit's country, region and city from its full address; `nil` without `--geoip-db`.
    let locator: GeoLocator?
    /// Browser, OS, device type, bot verdict, referrer and language (uap-core and crawler lists when configured).
    let enricher: HitEnricher
    let clock: WallClock
    /// What `linger` and the retry back-off are measured on (tests move it by hand).
    let timer: any Clock<Duration>
    let logger: Logger
    /// Where the writer's Swift work runs. Taken here, when the server is composed, so its thread exists (and keeps
    /// nice 0) before `serve` makes the event loops' threads less urgent: a thread inherits its creator's nice value.
    let executor: WriterThread

    public init(
        buffer: HitBuffer, repository: SQLHitRepository, batchLimit: Int = 1000, linger: Duration = .zero,
        observer: (any HitWriterObserver)? = nil, locator: GeoLocator? = nil, enricher: HitEnricher = HitEnricher(parser: nil, bots: nil),
        clock: WallClock = .system, timer: any Clock<Duration> = ContinuousClock(),
        executor: WriterThread = .shared, logger: Logger
    ) {
        self.timer = timer
        self.executor = executor
        self.buffer = buffer
        self.repository = repository
        self.batchLimit = batchLimit
        self.linger = linger
        self.observer = observer
        self.locator = locator
        self.enricher = enricher
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        // Services shut down in reverse order, so by the time this runs the server has stopped taking
        // requests: closing the buffer then only lets us drain what is already queued.
        await withTaskExecutorPreference(executor) {
            await withGracefulShutdownHandler {
                await drain()
            } onGracefulShutdown: {
                buffer.close()
            }
        }
        logger.info("hit writer stopped", metadata: ["bufferedHits": "\(buffer.depth)"])
    }

    /// Writes batches until the buffer is closed and empty (cancelled: until it is empty, each batch tried once).
    public func drain() async {
        var lastPrune = clock.now()
        while await buffer.waitForHits() {
            await letBatchFill()
            guard let batch = await buffer.takeBatch(limit: batchLimit) else { break }
            await write(batch)
            // A cancelled writer writes what is buffered (each batch tried once) and stops: an empty open buffer would
            // wait for ever.
            if Task.isCancelled, buffer.depth == 0 { break }
            let now = clock.now()
            if now - lastPrune > 60_000 {
                lastPrune = now
                try? await repository.pruneVisitorWindows(olderThan: now - UniqueVisitorWindow.windowMilliseconds)
            }
        }
    }

    /// Waits up to `linger` for a full batch; never once the buffer is closed (shutdown drains at once).
    func letBatchFill() async {
        guard linger > .zero else { return }
        // A full buffer has requests waiting on it: write at once. Whichever comes first, the batch or the deadline.
        let enough = min(batchLimit, buffer.capacity)
        let (buffer, timer, linger) = (buffer, timer, linger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await buffer.waitForDepth(enough) }
            group.addTask { try? await timer.sleep(for: linger) }
            await group.next()
            group.cancelAll()
        }
    }

    func write(_ batch: [HitBuffer.Entry]) async {
        var hits = batch.map(\.hit)
        for index in hits.indices { enricher.enrich(&hits[index]) }
        if let locator {
            for index in hits.indices where hits[index].country.isEmpty {
                if let address = hits[index].locateAddress, let place = locator.locate(address) {
                    hits[index].country = place.country
                    hits[index].region = place.region
                    hits[index].city = place.city
                }
            }
        }
        // Retried until it commits. A cancelled task's database calls and back-off sleeps fail at once, so under
        // cancellation (a forced stop; graceful shutdown closes the buffer instead) this loop would spin for ever — it
        // did: millions of log lines, and the shared writer thread too busy for any other writer. A cancelled writer
        // makes one last try outside the cancellation instead; what that cannot keep is said, never dropped silently.
        var delay = Duration.milliseconds(50)
        while !Task.isCancelled {
            do {
                try await commit(batch, hits)
                return
            } catch {
                observer?.batchFailed(size: hits.count)
                logger.error("hit batch failed; retrying", metadata: ["size": "\(hits.count)", "error": "\(String(reflecting: error))"])
                try? await timer.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
        let lastTry = await Task { [self, batch, hits] in try await commit(batch, hits) }.result
        if case .failure(let error) = lastTry {
            observer?.batchFailed(size: hits.count)
            logger.error(
                "hit writer stopped by cancellation with a batch unwritten: these hits are lost",
                metadata: ["size": "\(hits.count)", "error": "\(String(reflecting: error))"])
            for entry in batch { entry.acknowledgement?.resume(throwing: error) }
            buffer.committed(batch.count)
        }
    }

    /// Records the batch and tells whoever waits for it.
    func commit(_ batch: [HitBuffer.Entry], _ hits: [Hit]) async throws {
        let start = ContinuousClock.now
        _ = try await repository.record(hits)
        observer?.batchCommitted(size: hits.count, duration: ContinuousClock.now - start)
        for entry in batch { entry.acknowledgement?.resume() }
        buffer.committed(batch.count)
    }
}
