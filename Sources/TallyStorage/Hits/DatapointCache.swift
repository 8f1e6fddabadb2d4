import Synchronization
import TallyCore

/// Datapoints by (domain, name) in memory, so a redirect does not wait on the database.
/// Local changes invalidate entries at once; `CacheRefresher` applies other nodes' changes.
///
/// Bounded: the hot links only. Found datapoints and remembered absences live in two LRU caches of their own, so a
/// scan of random names fills the absences and evicts old absences, never a warm link. At its limit each drops its
/// least recently used entry; a miss then costs one indexed lookup (`find(domainID:name:)`).
public final class DatapointCache: Sendable {
    struct Key: Hashable, Sendable {
        let domainID: Int64
        let name: String
    }

    /// The entries, and the name each cached datapoint was cached under (so a rename on another node, seen by
    /// `apply`, also drops the old name).
    struct State {
        var found: LRUCache<Key, Datapoint>
        /// Remembered absence until a time, so a flood of unknown names does not become a flood of queries.
        var missing: LRUCache<Key, Int64>
        var keyByID: [Int64: Key] = [:]

        mutating func store(_ datapoint: Datapoint) {
            let key = Key(domainID: datapoint.domainID, name: datapoint.name)
            if let old = keyByID[datapoint.id], old != key { found.remove(old) }
            missing.remove(key)
            if let evicted = found.set(key, datapoint), keyByID[evicted.value.id] == evicted.key { keyByID[evicted.value.id] = nil }
            keyByID[datapoint.id] = key
        }

        mutating func remove(_ key: Key) {
            if let datapoint = found.peek(key) {
                found.remove(key)
                if keyByID[datapoint.id] == key { keyByID[datapoint.id] = nil }
            }
            missing.remove(key)
        }
    }

    private let entries: Mutex<State>
    private let repository: any DatapointRepository
    private let clock: WallClock
    /// How many datapoints are kept at most (the absent names have a bound of their own).
    public let capacity: Int
    static let missingTTL: Int64 = 10_000

    public init(repository: any DatapointRepository, clock: WallClock = .system, capacity: Int = 20_000, missingCapacity: Int = 20_000) {
        self.repository = repository
        self.clock = clock
        self.capacity = capacity
        entries = Mutex(State(found: LRUCache(capacity: capacity), missing: LRUCache(capacity: missingCapacity)))
    }

    /// How many datapoints and absent names are held now.
    public var counts: (found: Int, missing: Int) { entries.withLock { ($0.found.count, $0.missing.count) } }

    public enum Lookup: Sendable {
        case found(Datapoint)
        /// Known not to exist (recently checked).
        case absent
        /// Not in memory: only the database can tell.
        case unknown
    }

    /// What memory alone knows, without waiting: the redirect fast path answers only `found` and `absent`.
    public func peek(domainID: Int64, name: String) -> Lookup {
        let key = Key(domainID: domainID, name: name)
        let now = clock.now()
        return entries.withLock { state in
            if let datapoint = state.found.get(key) { return .found(datapoint) }
            if let until = state.missing.peek(key), until > now { return .absent }
            return .unknown
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
            if let loaded {
                state.store(loaded)
            } else {
                state.remove(key)
                state.missing.set(key, now + Self.missingTTL)
            }
        }
        return loaded
    }

    /// Loads the datapoints most likely to be asked for, so a fresh node answers from memory at once: at most
    /// `limit` (a tenth of the cache by default, so start-up stays quick whatever the account holds).
    @discardableResult
    public func warm(limit: Int? = nil) async throws -> Int {
        let datapoints = try await repository.servable(limit: limit ?? max(1, capacity / 10))
        entries.withLock { state in
            for datapoint in datapoints.reversed() { state.store(datapoint) }
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
                    state.remove(key)
                } else if state.found.peek(key) != nil {
                    state.store(datapoint)
                } else {
                    // A name remembered as absent that now exists (created on another node).
                    state.missing.remove(key)
                }
            }
        }
    }

    /// The changed datapoints that concern this cache (it holds the datapoint, or its name as absent), under one lock
    /// however many changed.
    public func held(among changed: [(id: Int64, domainID: Int64, name: String)]) -> [Int64] {
        entries.withLock { state in
            changed.filter { state.keyByID[$0.id] != nil || state.missing.peek(Key(domainID: $0.domainID, name: $0.name)) != nil }.map(\.id)
        }
    }

    public func invalidate(domainID: Int64, name: String) {
        entries.withLock { $0.remove(Key(domainID: domainID, name: name)) }
    }
}
