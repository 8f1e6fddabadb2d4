/// ClickMeter's names and numbers for a datapoint's enumerations, as its clients send them (any letter case, by name
/// or by number): what the API reads and what the ClickMeter importer reads from a ClickMeter account.
public enum ClickMeterVocabulary {
    public static let typeNames: [String: DatapointType] = [
        "tl": .trackingLink, "trackinglink": .trackingLink, "tp": .trackingPixel, "trackingpixel": .trackingPixel,
    ]
    public static let typeNumbers: [Int: DatapointType] = [0: .trackingLink, 1: .trackingPixel]
    public static let statusNames: [String: DatapointStatus] = [
        "active": .active, "paused": .paused, "abuse": .abuse, "spam": .abuse, "deleted": .deleted,
    ]
    public static let statusNumbers: [Int: DatapointStatus] = [0: .active, 1: .paused, 2: .abuse, 3: .deleted]
    public static let modeNames: [String: DestinationMode] = [
        "simple": .simple, "randomdestination": .random, "destinationbylanguage": .byLanguage, "spilloverdestination": .spillover,
        "dynamicurl": .dynamicURL, "browserdestination": .browser, "destinationbynation": .byNation, "uniquedestination": .unique,
        "sequentialdestination": .sequential, "weighteddestination": .weighted,
    ]
    public static let modeNumbers = Dictionary(uniqueKeysWithValues: DestinationMode.allCases.map { ($0.rawValue, $0) })
    public static let referrerNames: [String: ReferrerClean] = ["none": .none, "clean": .clean, "myself": .myself]
    public static let referrerNumbers = Dictionary(uniqueKeysWithValues: ReferrerClean.allCases.map { ($0.rawValue, $0) })

    /// `301`/`302`/`307`, or the spec's names (`PermanentRedirect` → 301, `TemporaryRedirect` → 307).
    public static func redirectType(_ link: WireObject?) throws(ValidationError) -> RedirectType? {
        guard let link else { return nil }
        do {
            return try link.enumeration(
                "redirectType", names: ["permanentredirect": .movedPermanently, "temporaryredirect": .temporaryRedirect],
                numbers: [301: .movedPermanently, 302: .found, 307: .temporaryRedirect])
        } catch {
            throw ValidationError(field: "TypeTL." + error.field, code: error.code, message: error.message)
        }
    }

    /// The wire member holding a rotator mode's destinations.
    public static func itemsMember(_ mode: DestinationMode) -> String? {
        switch mode {
        case .random: "randomDestinationItems"
        case .sequential: "sequentialDestinationItems"
        case .spillover: "spilloverDestinationItems"
        case .weighted: "weightedDestinationItems"
        default: nil
        }
    }
}
