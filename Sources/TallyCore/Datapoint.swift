/// What a datapoint is on the wire (ClickMeter v2 `type`: 0 tracking link, 1 tracking pixel).
public enum DatapointType: Int, Sendable, Codable, CaseIterable {
    case trackingLink = 0
    case trackingPixel = 1
}

/// ClickMeter's datapoint statuses, in declaration order (the wire integers).
public enum DatapointStatus: Int, Sendable, Codable, CaseIterable {
    case active = 0
    case paused = 1
    case abuse = 2
    case deleted = 3

    public var name: String {
        switch self {
        case .active: "active"
        case .paused: "paused"
        case .abuse: "abuse"
        case .deleted: "deleted"
        }
    }
}

/// The HTTP status a tracking link answers with.
public enum RedirectType: Int, Sendable, Codable, CaseIterable {
    case movedPermanently = 301
    case found = 302
    case temporaryRedirect = 307

    public static let `default` = RedirectType.found

    /// Permanent redirects are cached by browsers, so they must not carry `no-store`.
    public var isPermanent: Bool { self == .movedPermanently }
}

/// A tracking link or a tracking pixel.
public struct Datapoint: Sendable, Equatable {
    public var id: Int64
    public var accountID: Int64
    public var domainID: Int64
    public var type: DatapointType
    public var name: String
    public var title: String
    public var notes: String
    public var isFavourite: Bool
    public var status: DatapointStatus
    public var groupID: Int64?
    /// Milliseconds since 1970, UTC.
    public var createdAt: Int64
    public var updatedAt: Int64
    /// Only for tracking links.
    public var destinationURL: String?
    public var redirectType: RedirectType
    public var encodeIP: Bool
    /// Rotators, dynamic destination, frame, referrer cleaning, retargeting (tracking links only).
    public var options: LinkOptions

    public init(
        id: Int64, accountID: Int64, domainID: Int64, type: DatapointType, name: String,
        title: String = "", notes: String = "", isFavourite: Bool = false, status: DatapointStatus = .active,
        groupID: Int64? = nil, createdAt: Int64, updatedAt: Int64, destinationURL: String?,
        redirectType: RedirectType = .default, encodeIP: Bool = false, options: LinkOptions = LinkOptions()
    ) {
        self.id = id
        self.accountID = accountID
        self.domainID = domainID
        self.type = type
        self.name = name
        self.title = title
        self.notes = notes
        self.isFavourite = isFavourite
        self.status = status
        self.groupID = groupID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.destinationURL = destinationURL
        self.redirectType = redirectType
        self.encodeIP = encodeIP
        self.options = options
    }

    /// The redirect status actually sent: a rotator or dynamic destination may answer differently next time,
    /// so it is never cached as permanent.
    public var effectiveRedirectType: RedirectType {
        guard redirectType.isPermanent, options.mode != .simple else { return redirectType }
        return .temporaryRedirect
    }
}

/// What a new datapoint is made from, before it has an id.
public struct NewDatapoint: Sendable, Equatable {
    public var accountID: Int64
    public var domainID: Int64
    public var type: DatapointType
    public var name: String
    public var title: String
    public var notes: String
    public var groupID: Int64?
    public var destinationURL: String?
    public var redirectType: RedirectType
    public var encodeIP: Bool
    public var options: LinkOptions
    /// Marked as a favourite from the start (ClickMeter's `preferred` on create).
    public var isFavourite = false

    public init(
        accountID: Int64, domainID: Int64, type: DatapointType, name: String, title: String = "", notes: String = "",
        groupID: Int64? = nil, destinationURL: String?, redirectType: RedirectType = .default, encodeIP: Bool = false,
        options: LinkOptions = LinkOptions()
    ) {
        self.accountID = accountID
        self.domainID = domainID
        self.type = type
        self.name = name
        self.title = title
        self.notes = notes
        self.groupID = groupID
        self.destinationURL = destinationURL
        self.redirectType = redirectType
        self.encodeIP = encodeIP
        self.options = options
    }
}
