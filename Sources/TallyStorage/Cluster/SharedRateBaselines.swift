import SQLKit
import Synchronization
import TallyCore

/// A key's request rate against its own past, for the cluster: the same rule as `RateBaseline` (a minute with five
/// times the key's average minute over the last hour, and at least 30 requests, is a spike), but counted over every
/// node's requests, which all land in the usage log (`api_requests`, indexed by key and time). A leaked key used at 20
/// a minute through each of three nodes is a spike of 60 a minute, which no node alone would see.
///
/// Per request it costs nothing but memory: each node reads a key's last hour once a minute (one grouped, indexed
/// query) and the cluster's count of the current minute at most once every `syncInterval`, adding its own requests
/// since. A spike is reported once a minute per node; `SQLKeyEventRepository.addUnlessRecent` keeps it to one alert.
/// At most `capacity` keys are watched, least recently used out.
public final class SharedRateBaselines: Sendable {
    struct Watch {
        var minute: Int64
        /// The spike threshold of this minute; nil while the key's hour holds too little history.
        var threshold: Int?
        var clusterCount = 0
        var localSince = 0
        var lastSync: Int64 = 0
        var reported = false
    }

    public static let syncInterval: Int64 = 1_000
    private let watches: Mutex<LRUCache<Int64, Watch>>
    let database: any TallyDatabase

    public init(database: any TallyDatabase, capacity: Int = 10_000) {
        self.database = database
        watches = Mutex(LRUCache(capacity: capacity))
    }

    /// Counts one request of `keyID` at `time` (ms); true when it makes this minute a spike for the cluster (once a
    /// minute per node).
    public func isSpike(keyID: Int64, at time: Int64) async throws -> Bool {
        let minute = time / 60_000
        let (needsHistory, needsCount) = watches.withLock { watches in
            var watch = watches.get(keyID) ?? Watch(minute: -1)
            if watch.minute != minute { watch = Watch(minute: minute) }
            watch.localSince += 1
            watches.set(keyID, watch)
            return (watch.lastSync == 0, time - watch.lastSync >= Self.syncInterval)
        }
        var threshold: Int??
        if needsHistory { threshold = try await self.threshold(keyID: keyID, minute: minute) }
        var count: Int?
        if needsCount { count = try await self.count(keyID: keyID, minute: minute) }
        return watches.withLock { watches in
            guard var watch = watches.get(keyID), watch.minute == minute else { return false }
            if let threshold { watch.threshold = threshold }
            if let count {
                // The usage log holds this node's requests already recorded; the ones since are added as they come.
                watch.clusterCount = count
                watch.localSince = 1
                watch.lastSync = time
            }
            defer { watches.set(keyID, watch) }
            guard !watch.reported, let limit = watch.threshold, watch.clusterCount + watch.localSince >= limit else { return false }
            watch.reported = true
            return true
        }
    }

    /// The threshold of `minute` from the key's previous 59 minutes in the usage log.
    func threshold(keyID: Int64, minute: Int64) async throws -> Int? {
        let from = (minute - Int64(RateBaseline.window - 1)) * 60_000
        let row = try await database.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n, MIN(time_ms) AS first FROM api_requests \
                WHERE key_id = \(bind: keyID) AND time_ms >= \(bind: from) AND time_ms < \(bind: minute * 60_000)
                """
            ).first()
        }
        guard let row, let first = try row.decode(column: "first", as: Int64?.self) else { return nil }
        let previous = try row.decode(column: "n", as: Int.self)
        return RateBaseline.threshold(previous: previous, historyMinutes: Int(minute - first / 60_000))
    }

    /// The cluster's requests of `keyID` in `minute` so far.
    func count(keyID: Int64, minute: Int64) async throws -> Int {
        try await database.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM api_requests WHERE key_id = \(bind: keyID) \
                AND time_ms >= \(bind: minute * 60_000) AND time_ms < \(bind: (minute + 1) * 60_000)
                """
            ).first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }
}
