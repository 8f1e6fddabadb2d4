/// How a tracking link picks its destination: ClickMeter's `typeTL.destinationMode`, numbered in the
/// order the wire model declares the names.
public enum DestinationMode: Int, Sendable, Codable, CaseIterable {
    case simple = 0
    case random = 1
    case byLanguage = 2
    case spillover = 3
    case dynamicURL = 4
    case browser = 5
    case byNation = 6
    case unique = 7
    case sequential = 8
    case weighted = 9

    /// The modes ClickTally serves; the others are refused when a link is saved, never half-honoured.
    public static let served: Set<DestinationMode> = [.simple, .random, .spillover, .dynamicURL, .sequential, .weighted]

    /// Modes that choose among `LinkOptions.destinations`.
    public var isRotator: Bool { self == .random || self == .spillover || self == .sequential || self == .weighted }
}

/// ClickMeter's `typeTL.referrerClean`: what the destination sees as the referrer.
public enum ReferrerClean: Int, Sendable, Codable, CaseIterable {
    /// The visitor's own referrer passes through the redirect.
    case none = 0
    /// No referrer at all.
    case clean = 1
    /// The tracking domain's origin, hiding the page the visitor came from.
    case myself = 2
}

/// One destination of a rotator. `weight` matters only for weighted rotators (a percentage, 1–100).
public struct RotatorDestination: Sendable, Codable, Equatable {
    public var url: String
    public var weight: Int

    public init(url: String, weight: Int = 0) {
        self.url = url
        self.weight = weight
    }
}

/// Everything about a tracking link beyond "redirect to one URL". Stored as one JSON column; a link with
/// the defaults stores nothing and stays on the redirect fast path.
public struct LinkOptions: Sendable, Codable, Equatable {
    public var mode: DestinationMode
    public var destinations: [RotatorDestination]
    /// Show the destination inside a frame page, keeping the tracking URL in the address bar.
    public var hideURL: Bool
    public var hideURLTitle: String
    public var referrerClean: ReferrerClean
    /// Retargeting scripts fired on an intermediate page before the visitor moves on.
    public var scriptIDs: [Int64]
    /// When set, the click's id is added to the destination's query under this name, so a server can report the
    /// conversion later (`POST /v2/conversions/{id}/events`). Optional so rows stored before it decode unchanged.
    public var clickIDParameter: String?

    public init(
        mode: DestinationMode = .simple, destinations: [RotatorDestination] = [], hideURL: Bool = false, hideURLTitle: String = "",
        referrerClean: ReferrerClean = .none, scriptIDs: [Int64] = []
    ) {
        self.mode = mode
        self.destinations = destinations
        self.hideURL = hideURL
        self.hideURLTitle = hideURLTitle
        self.referrerClean = referrerClean
        self.scriptIDs = scriptIDs
    }

    /// A plain redirect to the main destination: nothing to choose, no page in between.
    /// Asked twice per redirect, so it reads the members instead of building and comparing a default value.
    public var isPlain: Bool {
        mode == .simple && destinations.isEmpty && !hideURL && hideURLTitle.isEmpty && referrerClean == .none && scriptIDs.isEmpty
            && clickIDParameter == nil
    }

    /// Whether the visitor sees a page of ours (frame, referrer cleaning, retargeting) rather than a bare redirect.
    public var needsPage: Bool { hideURL || referrerClean != .none || !scriptIDs.isEmpty }

    public static let maximumDestinations = 50

    /// Checks the options as a whole; each destination URL is checked by the caller with the link's own rules.
    public func validate() throws(ValidationError) {
        guard DestinationMode.served.contains(mode) else {
            throw ValidationError(
                field: "destinationMode", code: "mode_not_supported",
                message:
                    "destinationMode \(mode.rawValue) is not supported; use 0 simple, 1 random, 3 spillover, 4 dynamic URL, 8 sequential or 9 weighted"
            )
        }
        if mode.isRotator {
            guard (1...Self.maximumDestinations).contains(destinations.count) else {
                throw ValidationError(
                    field: "destinations", code: "destinations_required",
                    message: "a rotator needs between 1 and \(Self.maximumDestinations) destinations")
            }
        }
        if mode == .weighted {
            guard destinations.allSatisfy({ (1...100).contains($0.weight) }) else {
                throw ValidationError(field: "weightedDestinationItems", code: "weight_invalid", message: "each weight must be between 1 and 100")
            }
        }
        guard hideURLTitle.count <= 500 else {
            throw ValidationError(field: "hideUrlTitle", code: "too_long", message: "hideUrlTitle must be at most 500 characters")
        }
        if let name = clickIDParameter {
            guard (1...40).contains(name.utf8.count),
                name.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || $0 == 45 })
            else {
                throw ValidationError(
                    field: "clickIdParameter", code: "parameter_invalid", message: "clickIdParameter must be 1 to 40 letters, digits, _ or -")
            }
        }
        guard scriptIDs.count <= 20 else {
            throw ValidationError(field: "scripts", code: "too_many_scripts", message: "a link may fire at most 20 retargeting scripts")
        }
    }
}
