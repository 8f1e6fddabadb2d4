/// The roll-up increments one batch of hits adds: per entity and UTC hour, and per entity, dimension, value and
/// local day. Reports and charts read only these, never the raw hits.
public enum StatsRollup {
    public static let hourMilliseconds: Int64 = 3_600_000

    public struct HourKey: Hashable, Sendable {
        public let entity: StatsEntity
        public let id: Int64
        /// Start of the UTC hour, in milliseconds since 1970.
        public let hour: Int64

        public init(entity: StatsEntity, id: Int64, hour: Int64) {
            self.entity = entity
            self.id = id
            self.hour = hour
        }
    }

    public struct DayKey: Hashable, Sendable {
        public let entity: StatsEntity
        public let id: Int64
        public let dimension: StatsDimension
        /// Local day number in the account's time zone (see `LocalTime`).
        public let day: Int64
        public let value: String

        public init(entity: StatsEntity, id: Int64, dimension: StatsDimension, day: Int64, value: String) {
            self.entity = entity
            self.id = id
            self.dimension = dimension
            self.day = day
            self.value = value
        }
    }

    /// Whose a datapoint is, which clock its days follow, which type it is and which group it is in.
    public struct Owner: Sendable {
        public let accountID: Int64
        public let time: LocalTime
        public let type: DatapointType
        public let groupID: Int64?

        public init(accountID: Int64, time: LocalTime, type: DatapointType, groupID: Int64? = nil) {
            self.accountID = accountID
            self.time = time
            self.type = type
            self.groupID = groupID
        }
    }

    public struct Increments: Sendable {
        public var hours: [HourKey: StatsCounts] = [:]
        public var days: [DayKey: StatsCounts] = [:]

        public init() {}

        /// The datapoints' hourly increments added, once each, to their account's per-type rows and to their group's;
        /// datapoints `owners` does not know (gone from the database) count for themselves only, as they do for the
        /// account.
        public mutating func addOwnerTotals(_ owners: [Int64: Owner]) {
            for (key, counts) in hours where key.entity == .datapoint {
                guard let owner = owners[key.id] else { continue }
                hours[HourKey(entity: .account(of: owner.type), id: owner.accountID, hour: key.hour), default: StatsCounts()].add(counts)
                if let group = owner.groupID {
                    hours[HourKey(entity: .group, id: group, hour: key.hour), default: StatsCounts()].add(counts)
                }
            }
        }

        /// The datapoints whose hours these increments add to.
        public var datapointIDs: Set<Int64> { Set(hours.keys.lazy.filter { $0.entity == .datapoint }.map(\.id)) }
    }

    public static func hourStart(of time: Int64) -> Int64 {
        time - ((time % hourMilliseconds) + hourMilliseconds) % hourMilliseconds
    }

    /// Each hit counts for its datapoint and its account; hits of datapoints without an owner (deleted from the
    /// database meanwhile) count for the datapoint only. A hit's dimension values are computed once, and the account's
    /// daily rows are added per set of alike hits (same account, day and values: a batch's hits share few agents,
    /// countries and referrers), not per hit: this function was 40 % of the hit writer's Swift time, two dozen
    /// string-keyed dictionary updates a hit.
    public static func increments(for hits: [RecordedHit], owners: [Int64: Owner]) -> Increments {
        var result = Increments()
        // Sized for the batch up front: grown by doubling, the dictionaries' rehashing was 3.5 % of the writer's CPU.
        result.days.reserveCapacity(hits.count * 4)
        result.hours.reserveCapacity(hits.count / 2)
        let dimensions = StatsDimension.hitDimensions
        var alike: [AlikeHits: StatsCounts] = [:]
        for recorded in hits {
            let hit = recorded.hit
            let hour = hourStart(of: hit.time)
            let owner = owners[hit.datapointID]
            let day = (owner?.time ?? .utc).day(of: hit.time)
            let values = dimensions.map { $0.value(of: hit) }
            result.hours[HourKey(entity: .datapoint, id: hit.datapointID, hour: hour), default: StatsCounts()].add(recorded)
            for (dimension, value) in zip(dimensions, values) {
                result.days[DayKey(entity: .datapoint, id: hit.datapointID, dimension: dimension, day: day, value: value), default: StatsCounts()]
                    .add(recorded)
            }
            guard let owner else { continue }
            result.hours[HourKey(entity: .account, id: owner.accountID, hour: hour), default: StatsCounts()].add(recorded)
            alike[AlikeHits(accountID: owner.accountID, day: day, values: values), default: StatsCounts()].add(recorded)
        }
        for (key, counts) in alike {
            for (dimension, value) in zip(dimensions, key.values) {
                result.days[DayKey(entity: .account, id: key.accountID, dimension: dimension, day: key.day, value: value), default: StatsCounts()]
                    .add(counts)
            }
        }
        return result
    }

    /// Hits that add to the same daily rows of their account.
    struct AlikeHits: Hashable {
        let accountID: Int64
        let day: Int64
        let values: [String]
    }
}
