import Logging
import ServiceLifecycle
import TallyCore

/// Polls for datapoints and lists changed by any node (or the CLI) and applies them to this node's caches.
/// Each second it reads what changed since a second before its previous poll, so a change made elsewhere is visible
/// here within about a second. Every tenth poll reads from 10 seconds before the previous such poll: a commit stamped
/// up to 10 seconds before it became visible (a slow transaction, a node whose clock is behind) is seen by the first
/// of these after it. Each changed row is read about four times; reading the whole 10-second look-back every second
/// read it ten times, which was 8 % of the CPU of creating 5,000 links a second through the API.
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
    /// How far before the previous poll a regular poll starts.
    static let overlap: Int64 = 1_000
    /// Every how many polls one reads from `lookBack` before the previous such poll.
    static let lookBackEvery = 10

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
            var previous: (poll: Int64, lookBack: Int64)?
            var polls = 0
            while !Task.isCancelled {
                try? await timer.sleep(for: interval)
                if Task.isCancelled { break }
                let now = clock.now()
                polls += 1
                if let last = previous, polls % Self.lookBackEvery != 0 {
                    await refresh(since: last.poll - Self.overlap)
                    previous = (now, last.lookBack)
                } else {
                    await refresh(since: (previous?.lookBack ?? now) - Self.lookBack)
                    previous = (now, now)
                }
            }
        }
    }

    /// One poll over the whole look-back.
    public func refreshOnce() async {
        await refresh(since: clock.now() - Self.lookBack)
    }

    func refresh(since time: Int64) async {
        do {
            // Names first (an index range); full rows only for what this node holds or remembers as absent.
            let changed = try await datapoints.changedNames(since: time)
            let held = cache.held(among: changed)
            if !held.isEmpty { cache.apply(try await datapoints.find(ids: held)) }
            try await lists?.refresh()
        } catch {
            logger.warning("cache refresh failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
