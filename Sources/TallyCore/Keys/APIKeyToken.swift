/// The text of an API key, as the client holds it: `ctk_<id>_<secret><checksum>`, or, for old ClickMeter
/// clients that accept nothing else, a GUID (see `Format.guid`).
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
    public let format: Format

    public enum Format: String, Sendable, CaseIterable {
        case standard
        /// `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX` (upper-case hex): 8 hex digits of public id, 20 of secret (80 bits
        /// only: the shape holds 128 bits in all) and 4 of checksum (16 bits of CRC-32). Weaker than the standard
        /// format; offered because ClickMeter's WordPress plugin and others reject any other shape.
        case guid

        static let guidIDLength = 8
        static let guidSecretLength = 20
    }

    /// A new key, from the system's CSPRNG.
    public static func generate(format: Format = .standard) -> APIKeyToken {
        var generator = SystemRandomNumberGenerator()
        return generate(format: format, using: &generator)
    }

    public static func generate(format: Format = .standard, using generator: inout some RandomNumberGenerator) -> APIKeyToken {
        switch format {
        case .standard:
            APIKeyToken(publicID: Base62.random(count: idLength, using: &generator), secret: Base62.random(count: secretLength, using: &generator))
        case .guid:
            APIKeyToken(
                publicID: Self.randomHex(Format.guidIDLength, using: &generator), secret: Self.randomHex(Format.guidSecretLength, using: &generator),
                format: .guid)
        }
    }

    /// A new secret for the same public id (rotation keeps the id, so logs and dashboards keep following the key).
    public func withNewSecret(using generator: inout some RandomNumberGenerator) -> APIKeyToken {
        let fresh = Self.generate(format: format, using: &generator)
        return APIKeyToken(publicID: publicID, secret: fresh.secret, format: format)
    }

    public init(publicID: String, secret: String, format: Format = .standard) {
        self.publicID = publicID
        self.secret = secret
        self.format = format
    }

    /// The format a stored key's public id belongs to.
    public static func format(ofPublicID publicID: String) -> Format {
        publicID.utf8.count == Format.guidIDLength ? .guid : .standard
    }

    /// The full key. Only ever shown once, at creation or rotation.
    public var text: String {
        switch format {
        case .standard:
            let body = Self.prefix + publicID + "_" + secret
            return body + Base62.encode(CRC32.checksum(body.utf8), width: Self.checksumLength)
        case .guid:
            let hex = Array(publicID + secret + Self.guidChecksum(publicID + secret))
            let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
            return groups.joined(separator: "-")
        }
    }

    static func guidChecksum(_ body: String) -> String {
        let value = CRC32.checksum(("guid:" + body).utf8) & 0xFFFF
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }

    static func randomHex(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        let digits = Array("0123456789ABCDEF")
        return String((0..<count).map { _ in digits[Int.random(in: 0..<16, using: &generator)] })
    }

    /// The last four characters, safe to show beside the public id.
    public var lastFour: String { String(text.suffix(4)) }

    /// Parses and checks the checksum; `nil` for anything that is not a well-formed key. Pure: no lookup.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        if bytes.count == 36 {
            self.init(parsingGUID: bytes)
            return
        }
        guard bytes.count == Self.length, bytes.starts(with: Self.prefix.utf8) else { return nil }
        let idStart = Self.prefix.utf8.count
        let separator = idStart + Self.idLength
        guard bytes[separator] == UInt8(ascii: "_") else { return nil }
        let secretStart = separator + 1
        let checksumStart = secretStart + Self.secretLength
        guard bytes[idStart..<separator].allSatisfy(Base62.isDigit), bytes[secretStart...].allSatisfy(Base62.isDigit) else { return nil }
        let expected = Base62.encode(CRC32.checksum(bytes[..<checksumStart]), width: Self.checksumLength)
        guard bytes[checksumStart...].elementsEqual(expected.utf8) else { return nil }
        self.init(
            publicID: String(decoding: bytes[idStart..<separator], as: UTF8.self),
            secret: String(decoding: bytes[secretStart..<checksumStart], as: UTF8.self))
    }

    /// `XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX`, any letter case (clients have been seen to change it).
    private init?(parsingGUID bytes: [UInt8]) {
        guard [8, 13, 18, 23].allSatisfy({ bytes[$0] == UInt8(ascii: "-") }) else { return nil }
        let hex = bytes.enumerated().filter { ![8, 13, 18, 23].contains($0.offset) }.map(\.element)
        guard hex.count == 32 else { return nil }
        var upper: [UInt8] = []
        for byte in hex {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "F"): upper.append(byte)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): upper.append(byte - 0x20)
            default: return nil
            }
        }
        let text = String(decoding: upper, as: UTF8.self)
        let id = String(text.prefix(Format.guidIDLength))
        let secret = String(text.dropFirst(Format.guidIDLength).prefix(Format.guidSecretLength))
        guard text.suffix(4) == Self.guidChecksum(id + secret) else { return nil }
        self.init(publicID: id, secret: secret, format: .guid)
    }
}

extension APIKeyToken: CustomStringConvertible {
    /// Never the secret: a key that ends up in string interpolation or a log shows only what is public.
    public var description: String { format == .guid ? "\(publicID)-…" : "\(Self.prefix)\(publicID)_…" }
}
