/// An account's whole configuration, and optionally its statistics history, in a form that names nothing by a
/// database id of the machine it came from: each object carries the id its source gave it (`sourceID`), and objects
/// refer to each other by those. Importers build one from a source (ClickMeter's API, Shlink's, a CSV file);
/// `clicktally export --format json` writes one and `import json` reads it back.
public struct AccountSnapshot: Sendable, Codable, Equatable {
    public var format = AccountSnapshot.formatName
    public var version = 1
    public var domains: [DomainRecord] = []
    public var groups: [GroupRecord] = []
    public var scripts: [ScriptRecord] = []
    public var conversions: [ConversionRecord] = []
    public var datapoints: [DatapointRecord] = []
    /// Tags by name, with the groups they are on (datapoints carry their own tags' names).
    public var groupTags: [GroupTagRecord] = []
    public var ipBlacklist: [String] = []
    public var domainWhitelist: [String] = []
    /// Daily totals, when the source has them and they were asked for.
    public var history: [HistoryRecord] = []

    public static let formatName = "clicktally-account"

    public init() {}

    public struct DomainRecord: Sendable, Codable, Equatable {
        public var sourceID: String
        public var name: String
        public var type: DomainType

        public init(sourceID: String, name: String, type: DomainType) {
            self.sourceID = sourceID
            self.name = name
            self.type = type
        }
    }

    public struct GroupRecord: Sendable, Codable, Equatable {
        public var sourceID: String
        public var name: String
        public var notes: String = ""
        public var isFavourite = false

        public init(sourceID: String, name: String, notes: String = "", isFavourite: Bool = false) {
            self.sourceID = sourceID
            self.name = name
            self.notes = notes
            self.isFavourite = isFavourite
        }
    }

    public struct ScriptRecord: Sendable, Codable, Equatable {
        public var sourceID: String
        public var name: String
        public var script: String

        public init(sourceID: String, name: String, script: String) {
            self.sourceID = sourceID
            self.name = name
            self.script = script
        }
    }

    public struct ConversionRecord: Sendable, Codable, Equatable {
        public var sourceID: String
        public var name: String
        public var description: String = ""
        public var notes: String = ""
        public var value: Double = 0
        public var isHTTPS = false
        public var attribution: Attribution = .lastClick
        public var isDeleted = false
        /// The datapoints (their `sourceID`s) whose clicks this goal credits.
        public var datapoints: [String] = []

        public init(sourceID: String, name: String) {
            self.sourceID = sourceID
            self.name = name
        }
    }

    public struct DatapointRecord: Sendable, Codable, Equatable {
        public var sourceID: String
        public var type: DatapointType = .trackingLink
        public var name: String
        /// The domain's `sourceID`; `nil` for the server's own domain.
        public var domain: String?
        public var title: String = ""
        public var notes: String = ""
        public var isFavourite = false
        public var status: DatapointStatus = .active
        /// The group's `sourceID`.
        public var group: String?
        public var destinationURL: String?
        public var redirectType: RedirectType = .default
        public var encodeIP = false
        public var mode: DestinationMode = .simple
        public var destinations: [RotatorDestination] = []
        public var hideURL = false
        public var hideURLTitle = ""
        public var referrerClean: ReferrerClean = .none
        public var clickIDParameter: String?
        /// Retargeting scripts' `sourceID`s.
        public var scripts: [String] = []
        public var tags: [String] = []
        /// When the source created it (milliseconds since 1970), kept for the record.
        public var createdAt: Int64?

        public init(sourceID: String, name: String) {
            self.sourceID = sourceID
            self.name = name
        }
    }

    public struct GroupTagRecord: Sendable, Codable, Equatable {
        public var tag: String
        public var group: String

        public init(tag: String, group: String) {
            self.tag = tag
            self.group = group
        }
    }

    /// One entity's totals for one day of the source's calendar.
    public struct HistoryRecord: Sendable, Codable, Equatable {
        public enum Entity: String, Sendable, Codable { case datapoint, conversion }

        public var entity: Entity
        public var sourceID: String
        /// `YYYYMMDD`, in the source's time zone.
        public var day: String
        public var counts: StatsCounts

        public init(entity: Entity, sourceID: String, day: String, counts: StatsCounts) {
            self.entity = entity
            self.sourceID = sourceID
            self.day = day
            self.counts = counts
        }
    }
}
