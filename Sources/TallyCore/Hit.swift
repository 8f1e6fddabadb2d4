/// A click on a tracking link or a view of a tracking pixel.
public enum HitKind: Int, Sendable, Codable {
    case click = 0
    case view = 1

    public init(for type: DatapointType) {
        self = type == .trackingLink ? .click : .view
    }
}

/// A hit as the tracking endpoint saw it, before the writer decides whether it is unique.
public struct Hit: Sendable, Equatable {
    public var datapointID: Int64
    /// Milliseconds since 1970, UTC.
    public var time: Int64
    public var kind: HitKind
    /// Already masked when the datapoint asks for it: the full address is never stored then.
    public var ip: String
    public var userAgent: String
    public var referrer: String
    public var acceptLanguage: String
    public var query: String
    public var spider: SpiderVerdict
    /// ISO country code, region (first subdivision's ISO code) and city; empty when unknown.
    public var country = ""
    public var region = ""
    public var city = ""
    /// From the user agent (uap-core), the referrer and `Accept-Language`, filled in by the writer.
    public var browser = ""
    public var browserVersion = ""
    public var os = ""
    public var osVersion = ""
    public var deviceType = ""
    public var referrerDomain = ""
    public var source = ""
    public var language = ""
    /// The click's id when its link leads to conversions (the attribution cookie holds it); 0 otherwise.
    public var clickID: Int64 = 0
    /// The full client address, kept only until the writer has located it (even when `ip` is masked); never stored.
    public var locateAddress: IPAddress?

    public init(
        datapointID: Int64, time: Int64, kind: HitKind, ip: String, userAgent: String = "", referrer: String = "",
        acceptLanguage: String = "", query: String = "", spider: SpiderVerdict = .human
    ) {
        self.datapointID = datapointID
        self.time = time
        self.kind = kind
        self.ip = ip
        self.userAgent = userAgent
        self.referrer = referrer
        self.acceptLanguage = acceptLanguage
        self.query = query
        self.spider = spider
    }
}

/// A hit with its uniqueness decided, as it is stored.
public struct RecordedHit: Sendable, Equatable {
    public var hit: Hit
    public var isUnique: Bool

    public init(hit: Hit, isUnique: Bool) {
        self.hit = hit
        self.isUnique = isUnique
    }
}
