/// ClickMeter's unique-click rule: a hit is unique when the same address has not hit the same datapoint
/// in the previous 30 minutes. Spider hits are never unique, but they do count as "seen".
public struct UniqueVisitorWindow: Sendable {
    public static let windowMilliseconds: Int64 = 30 * 60 * 1000

    public struct Key: Hashable, Sendable {
        public let datapointID: Int64
        public let ip: String

        public init(datapointID: Int64, ip: String) {
            self.datapointID = datapointID
            self.ip = ip
        }
    }

    /// When each key was last seen; seeded from storage before a batch is judged.
    public private(set) var lastSeen: [Key: Int64]

    public init(lastSeen: [Key: Int64] = [:]) {
        self.lastSeen = lastSeen
    }

    /// Judges one hit and remembers it. Hits must be fed in time order.
    public mutating func record(_ hit: Hit) -> Bool {
        let key = Key(datapointID: hit.datapointID, ip: hit.ip)
        let previous = lastSeen[key]
        lastSeen[key] = max(previous ?? hit.time, hit.time)
        guard !hit.spider.isSpider else { return false }
        guard let previous else { return true }
        return hit.time - previous >= Self.windowMilliseconds
    }

    /// How stale the shared (database) copy of a window may be. A node knows its own hits exactly; the
    /// shared copy is only rewritten once it lags by this much, which saves one random write per hit.
    /// Another node can therefore misjudge only a hit whose predecessor (on a different node) came
    /// between 30 minutes minus this interval and 30 minutes earlier.
    public static let sharedCopyInterval: Int64 = 60_000

    /// Whether the shared copy (last written as `persisted`) must be rewritten for `lastSeen`.
    public static func needsSharing(lastSeen: Int64, persisted: Int64?) -> Bool {
        guard let persisted else { return true }
        return lastSeen - persisted >= sharedCopyInterval
    }

    public mutating func record(_ hits: [Hit]) -> [RecordedHit] {
        hits.map { RecordedHit(hit: $0, isUnique: record($0)) }
    }
}
