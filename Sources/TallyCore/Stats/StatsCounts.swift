/// The counters every statistic is made of (ClickMeter's `AggregatedResult` and `TopItem`), summed per entity and
/// hour and per entity, dimension and day.
public struct StatsCounts: Sendable, Equatable, Codable {
    public var clicks: Int64 = 0
    public var views: Int64 = 0
    public var uniqueClicks: Int64 = 0
    public var uniqueViews: Int64 = 0
    public var spiderClicks: Int64 = 0
    public var spiderViews: Int64 = 0
    public var conversions: Int64 = 0
    public var uniqueConversions: Int64 = 0
    public var convertedClicks: Int64 = 0
    public var conversionValue: Double = 0
    public var commission: Double = 0
    /// Milliseconds since 1970 of the latest hit or conversion counted; 0 when none.
    public var lastHit: Int64 = 0

    public init() {}

    public var hits: Int64 { clicks + views }
    public var uniqueHits: Int64 { uniqueClicks + uniqueViews }
    public var spiders: Int64 { spiderClicks + spiderViews }

    /// Counts one recorded hit: a spider is never unique (the writer already decided that).
    public mutating func add(_ recorded: RecordedHit) {
        let hit = recorded.hit
        switch hit.kind {
        case .click:
            clicks += 1
            if recorded.isUnique { uniqueClicks += 1 }
            if hit.spider.isSpider { spiderClicks += 1 }
        case .view:
            views += 1
            if recorded.isUnique { uniqueViews += 1 }
            if hit.spider.isSpider { spiderViews += 1 }
        }
        lastHit = max(lastHit, hit.time)
    }

    public mutating func add(_ other: StatsCounts) {
        clicks += other.clicks
        views += other.views
        uniqueClicks += other.uniqueClicks
        uniqueViews += other.uniqueViews
        spiderClicks += other.spiderClicks
        spiderViews += other.spiderViews
        conversions += other.conversions
        uniqueConversions += other.uniqueConversions
        convertedClicks += other.convertedClicks
        conversionValue += other.conversionValue
        commission += other.commission
        lastHit = max(lastHit, other.lastHit)
    }

    /// What turns `other` into `self` when added (an imported day corrected by a later import); the latest hit stays
    /// this one's, as roll-ups keep the latest.
    public func minus(_ other: StatsCounts) -> StatsCounts {
        var delta = StatsCounts()
        delta.clicks = clicks - other.clicks
        delta.views = views - other.views
        delta.uniqueClicks = uniqueClicks - other.uniqueClicks
        delta.uniqueViews = uniqueViews - other.uniqueViews
        delta.spiderClicks = spiderClicks - other.spiderClicks
        delta.spiderViews = spiderViews - other.spiderViews
        delta.conversions = conversions - other.conversions
        delta.uniqueConversions = uniqueConversions - other.uniqueConversions
        delta.convertedClicks = convertedClicks - other.convertedClicks
        delta.conversionValue = conversionValue - other.conversionValue
        delta.commission = commission - other.commission
        delta.lastHit = lastHit
        return delta
    }
}

/// What statistics are kept for: the whole account, one datapoint, one conversion goal, an account's tracking links or
/// its pixels, and a group (hourly only: always the sums of their datapoints' rows, so `type=tl` over a million links
/// reads one row an hour). A group's figures are its datapoints' sums, whatever their status, so moving a link between
/// groups moves its history with it (migration 23's trigger moves the rows).
public enum StatsEntity: Int, Sendable, Hashable, CaseIterable {
    case account = 0
    case datapoint = 1
    case conversion = 2
    case accountLinks = 3
    case accountPixels = 4
    case group = 5

    /// The account-wide entity of one datapoint type.
    public static func account(of type: DatapointType) -> StatsEntity {
        type == .trackingLink ? .accountLinks : .accountPixels
    }
}

/// A breakdown the reports rank values of (ClickMeter's report `type`s that ClickTally keeps roll-ups for).
public enum StatsDimension: Int, Sendable, Hashable, CaseIterable {
    case country = 1
    case city = 2
    case browserFamily = 3
    case browser = 4
    case osFamily = 5
    case os = 6
    case device = 7
    case referrer = 8
    case language = 9
    case source = 10
    /// Only for conversions: which link and which campaign led to them.
    case datapoint = 11
    case group = 12

    /// The dimensions every hit adds to (datapoint and group are for conversions).
    public static let hitDimensions: [StatsDimension] = [
        .country, .city, .browserFamily, .browser, .osFamily, .os, .device, .referrer, .language, .source,
    ]

    /// This hit's value for the dimension; empty is kept as "unknown" rather than dropped, so totals add up.
    public func value(of hit: Hit) -> String {
        switch self {
        case .country: hit.country
        case .city: hit.city.isEmpty ? "" : "\(hit.country)/\(hit.city)"
        case .browserFamily: hit.browser
        case .browser: Self.major(hit.browser, hit.browserVersion)
        case .osFamily: hit.os
        case .os: Self.major(hit.os, hit.osVersion)
        case .device: hit.deviceType
        case .referrer: hit.referrerDomain
        case .language: hit.language
        case .source: hit.source
        case .datapoint, .group: ""
        }
    }

    /// "Chrome 120" from family "Chrome" and version "120.0.6099": the major version is what people compare.
    public static func major(_ family: String, _ version: String) -> String {
        guard !family.isEmpty else { return "" }
        // Up to the first dot, as the SQL rebuild computes it (".5" has no major version).
        let major = version.prefix { $0 != "." }
        return major.isEmpty ? family : "\(family) \(major)"
    }
}
