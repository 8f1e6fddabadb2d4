import Synchronization
import TallyCore

/// Datapoints by (domain, name) in memory, so a redirect does not wait on the database.
/// Local changes invalidate entries at once; `CacheRefresher` applies other nodes' changes.
public final class DatapointCache: Sendable {
    struct Key: Hashable {
        let domainID: Int64
        let name: String
    }

    enum Entry {
        case found(Datapoint)
        /// Remembered absence, so a flood of unknown names does not become a flood of queries.
        case missing(until: Int64)
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let repository: any DatapointRepository
    private let clock: WallClock
    private let maxEntries: Int
    static let missingTTL: Int64 = 10_000

    public init(repository: any DatapointRepository, clock: WallClock = .system, maxEntries: Int = 200_000) {
        self.repository = repository
        self.clock = clock
        self.maxEntries = maxEntries
    }

    public enum Lookup: Sendable {
        case found(Datapoint)
        /// Known not to exist (recently checked).
        case absent
        /// Not in memory: only the database can tell.
        case unknown
    }

    /// What memory alone knows, without waiting: the redirect fast path answers only `found` and `absent`.
    public func peek(domainID: Int64, name: String) -> Lookup {
        let cached: Entry? = entries.withLock { $0[Key(domainID: domainID, name: name)] }
        switch cached {
        case .found(let datapoint): return .found(datapoint)
        case .missing(let until) where until > clock.now(): return .absent
        default: return .unknown
        }
    }

    /// From memory when it knows, else from the database (remembering the answer, found or not).
    public func datapoint(domainID: Int64, name: String) async throws -> Datapoint? {
        switch peek(domainID: domainID, name: name) {
        case .found(let datapoint): return datapoint
        case .absent: return nil
        case .unknown: break
        }
        let key = Key(domainID: domainID, name: name)
        let now = clock.now()
        let loaded = try await repository.find(domainID: domainID, name: name)
        entries.withLock { entries in
            if entries.count >= maxEntries {
                // Rare and cheap to recover from: everything reloads on demand.
                entries.removeAll(keepingCapacity: true)
            }
            entries[key] = loaded.map(Entry.found) ?? .missing(until: now + Self.missingTTL)
        }
        return loaded
    }

    /// Loads the datapoints most likely to be asked for, so a fresh node answers from memory at once.
    /// Fills at most half the cache, leaving room for names loaded on demand.
    @discardableResult
    public func warm() async throws -> Int {
        let datapoints = try await repository.servable(limit: maxEntries / 2)
        entries.withLock { entries in
            entries.reserveCapacity(datapoints.count * 2)
            for datapoint in datapoints {
                entries[Key(domainID: datapoint.domainID, name: datapoint.name)] = .found(datapoint)
            }
        }
        return datapoints.count
    }

    /// Replaces whatever is cached for these datapoints with their current state.
    public func apply(_ changed: [Datapoint]) {
        guard !changed.isEmpty else { return }
        entries.withLock { entries in
            for datapoint in changed {
                let key = Key(domainID: datapoint.domainID, name: datapoint.name)
                if entries[key] != nil { entries[key] = .found(datapoint) }
            }
        }
    }

    public func invalidate(domainID: Int64, name: String) {
        _ = entries.withLock { $0.removeValue(forKey: Key(domainID: domainID, name: name)) }
    }
}
