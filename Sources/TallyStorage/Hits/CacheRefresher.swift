import Logging
import ServiceLifecycle
import TallyCore

/// Polls for datapoints and lists changed by any node (or the CLI) and applies them to this node's caches.
/// Polling every second with a 10-second look-back tolerates commit delays and clock skew between nodes,
/// and keeps a change made elsewhere visible here within about a second.
public struct CacheRefresher: Service {
    let cache: DatapointCache
    let datapoints: any DatapointRepository
    /// Blacklists, whitelists, scripts, goals' links and domains: read only where their versions changed.
    let lists: ListMirror?
    let interval: Duration
    let clock: WallClock
    /// What `interval` runs on (tests move it by hand).
    let timer: any Clock<Duration>
    let logger: Logger
    static let lookBack: Int64 = 10_000

    public init(
        cache: DatapointCache, datapoints: any DatapointRepository, lists: ListMirror?, interval: Duration = .seconds(1),
        clock: WallClock = .system, timer: any Clock<Duration> = ContinuousClock(), logger: Logger
    ) {
        self.timer = timer
        self.cache = cache
        self.datapoints = datapoints
        self.lists = lists
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Start-up has just loaded everything; the first refresh is due one interval later.
            while !Task.isCancelled {
                try? await timer.sleep(for: interval)
                if Task.isCancelled { break }
                await refreshOnce()
            }
        }
    }

    public func refreshOnce() async {
        do {
            // Names first (an index range); full rows only for what this node holds or remembers as absent.
            let changed = try await datapoints.changedNames(since: clock.now() - Self.lookBack)
            let held = cache.held(among: changed)
            if !held.isEmpty { cache.apply(try await datapoints.find(ids: held)) }
            try await lists?.refresh()
        } catch {
            logger.warning("cache refresh failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
