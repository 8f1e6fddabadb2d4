/// Hit counters per datapoint and hour, kept beside the raw hits so charts never scan them.
public struct HourlyRollup: Sendable, Equatable {
    public static let hourMilliseconds: Int64 = 3_600_000

    public struct Key: Hashable, Sendable {
        public let datapointID: Int64
        /// Start of the UTC hour, in milliseconds since 1970.
        public let hour: Int64
    }

    public struct Counts: Sendable, Equatable {
        public var total: Int64 = 0
        public var unique: Int64 = 0
        public var spider: Int64 = 0

        public init(total: Int64 = 0, unique: Int64 = 0, spider: Int64 = 0) {
            self.total = total
            self.unique = unique
            self.spider = spider
        }
    }

    public static func hourStart(of time: Int64) -> Int64 {
        time - ((time % hourMilliseconds) + hourMilliseconds) % hourMilliseconds
    }

    /// The counter increments one batch of hits adds.
    public static func increments(for hits: [RecordedHit]) -> [Key: Counts] {
        var result: [Key: Counts] = [:]
        for recorded in hits {
            let key = Key(datapointID: recorded.hit.datapointID, hour: hourStart(of: recorded.hit.time))
            result[key, default: Counts()].total += 1
            if recorded.isUnique { result[key]!.unique += 1 }
            if recorded.hit.spider.isSpider { result[key]!.spider += 1 }
        }
        return result
    }
}
