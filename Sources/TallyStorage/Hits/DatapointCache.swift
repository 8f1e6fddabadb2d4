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

    /// The entries, and the name each cached datapoint was cached under (so a rename on another node, seen by
    /// `apply`, also drops the old name).
    struct State {
        var entries: [Key: Entry] = [:]
        var keyByID: [Int64: Key] = [:]

        mutating func store(_ datapoint: Datapoint) {
            let key = Key(domainID: datapoint.domainID, name: datapoint.name)
            if let old = keyByID[datapoint.id], old != key { entries[old] = nil }
            entries[key] = .found(datapoint)
            keyByID[datapoint.id] = key
        }

        mutating func remove(_ key: Key) {
            if case .found(let datapoint) = entries.removeValue(forKey: key) { keyByID[datapoint.id] = nil }
        }
    }

    private let entries = Mutex(State())
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
        let cached: Entry? = entries.withLock { $0.entries[Key(domainID: domainID, name: name)] }
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
        entries.withLock { state in
            if state.entries.count >= maxEntries {
                // Rare and cheap to recover from: everything reloads on demand.
                state.entries.removeAll(keepingCapacity: true)
                state.keyByID.removeAll(keepingCapacity: true)
            }
            if let loaded {
                state.store(loaded)
            } else {
                state.remove(key)
                state.entries[key] = .missing(until: now + Self.missingTTL)
            }
        }
        return loaded
    }

    /// Loads the datapoints most likely to be asked for, so a fresh node answers from memory at once.
    /// Fills at most half the cache, leaving room for names loaded on demand.
    @discardableResult
    public func warm() async throws -> Int {
        let datapoints = try await repository.servable(limit: maxEntries / 2)
        entries.withLock { state in
            state.entries.reserveCapacity(datapoints.count * 2)
            for datapoint in datapoints { state.store(datapoint) }
        }
        return datapoints.count
    }

    /// Replaces whatever is cached for these datapoints with their current state; a datapoint cached under another
    /// name (renamed elsewhere) loses its old entry, so the old name stops redirecting here too.
    public func apply(_ changed: [Datapoint]) {
        guard !changed.isEmpty else { return }
        entries.withLock { state in
            for datapoint in changed {
                let key = Key(domainID: datapoint.domainID, name: datapoint.name)
                if let old = state.keyByID[datapoint.id], old != key {
                    state.remove(old)
                    state.entries[key] = nil
                } else if state.entries[key] != nil {
                    state.store(datapoint)
                }
            }
        }
    }

    public func invalidate(domainID: Int64, name: String) {
        entries.withLock { $0.remove(Key(domainID: domainID, name: name)) }
    }
}
