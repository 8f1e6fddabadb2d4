/// Where an address is: ISO country code, ISO code of the first subdivision (region), and the city's English name.
public struct GeoLocation: Sendable, Equatable {
    public var country: String
    public var region: String
    public var city: String

    public init(country: String, region: String = "", city: String = "") {
        self.country = country
        self.region = region
        self.city = city
    }
}

/// Looks addresses up in a MaxMind-format database. Reads the GeoIP2/GeoLite2 layout (`country.iso_code`,
/// `subdivisions[0].iso_code`, `city.names.en`), which DB-IP's databases share, and databases whose `country` is
/// the code itself (IPinfo's); falls back to `registered_country` when `country` is absent.
public struct GeoLocator: Sendable {
    public let reader: MMDBReader

    public init(reader: MMDBReader) {
        self.reader = reader
    }

    /// `nil` when the database has no record (or a corrupt one) for the address.
    public func locate(_ address: IPAddress) -> GeoLocation? {
        guard let record = try? reader.lookup(address) else { return nil }
        let country = Self.code(record["country"]) ?? Self.code(record["registered_country"]) ?? record["country_code"]?.stringValue ?? ""
        let region = record["subdivisions"]?.arrayValue?.first.flatMap { Self.code($0) } ?? ""
        let city = record["city"]?["names"]?["en"]?.stringValue ?? record["city"]?.stringValue ?? ""
        guard !country.isEmpty || !city.isEmpty else { return nil }
        return GeoLocation(country: country, region: region, city: city)
    }

    static func code(_ value: MMDBValue?) -> String? {
        guard let value else { return nil }
        if let text = value.stringValue { return text.count == 2 ? text.uppercased() : nil }
        return value["iso_code"]?.stringValue
    }
}
