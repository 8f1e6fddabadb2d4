/// The text of an API key, as the client holds it: `ctk_<id>_<secret><checksum>`.
///
/// - `ctk_`: a prefix secret scanners can match (regex `ctk_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}`);
/// - `id`: 12 base62 characters, public: used to find the key and to show it;
/// - `secret`: 32 base62 characters from the system CSPRNG (≈ 190 bits), never stored;
/// - `checksum`: 6 base62 characters of the CRC-32 of everything before it, so a mistyped or made-up key is
///   refused without touching the database.
public struct APIKeyToken: Sendable, Equatable {
    public static let prefix = "ctk_"
    public static let idLength = 12
    public static let secretLength = 32
    public static let checksumLength = 6
    public static let length = prefix.utf8.count + idLength + 1 + secretLength + checksumLength
    public static let pattern = "ctk_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}"

    public let publicID: String
    public let secret: String

    /// A new key, from the system's CSPRNG.
    public static func generate() -> APIKeyToken {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    public static func generate(using generator: inout some RandomNumberGenerator) -> APIKeyToken {
        APIKeyToken(publicID: Base62.random(count: idLength, using: &generator), secret: Base62.random(count: secretLength, using: &generator))
    }

    /// A new secret for the same public id (rotation keeps the id, so logs and dashboards keep following the key).
    public func withNewSecret(using generator: inout some RandomNumberGenerator) -> APIKeyToken {
        APIKeyToken(publicID: publicID, secret: Base62.random(count: Self.secretLength, using: &generator))
    }

    public init(publicID: String, secret: String) {
        self.publicID = publicID
        self.secret = secret
    }

    /// The full key. Only ever shown once, at creation or rotation.
    public var text: String {
        let body = Self.prefix + publicID + "_" + secret
        return body + Base62.encode(CRC32.checksum(body.utf8), width: Self.checksumLength)
    }

    /// The last four characters, safe to show beside the public id.
    public var lastFour: String { String(text.suffix(4)) }

    /// Parses and checks the checksum; `nil` for anything that is not a well-formed key. Pure: no lookup.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == Self.length, bytes.starts(with: Self.prefix.utf8) else { return nil }
        let idStart = Self.prefix.utf8.count
        let separator = idStart + Self.idLength
        guard bytes[separator] == UInt8(ascii: "_") else { return nil }
        let secretStart = separator + 1
        let checksumStart = secretStart + Self.secretLength
        guard bytes[idStart..<separator].allSatisfy(Base62.isDigit), bytes[secretStart...].allSatisfy(Base62.isDigit) else { return nil }
        let expected = Base62.encode(CRC32.checksum(bytes[..<checksumStart]), width: Self.checksumLength)
        guard bytes[checksumStart...].elementsEqual(expected.utf8) else { return nil }
        publicID = String(decoding: bytes[idStart..<separator], as: UTF8.self)
        secret = String(decoding: bytes[secretStart..<checksumStart], as: UTF8.self)
    }
}

extension APIKeyToken: CustomStringConvertible {
    /// Never the secret: a key that ends up in string interpolation or a log shows only what is public.
    public var description: String { "\(Self.prefix)\(publicID)_…" }
}
