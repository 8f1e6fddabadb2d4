import Crypto

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP: HMAC-SHA1, 30-second steps, 6 digits), what
/// every authenticator app speaks. The secret travels as RFC 4648 base32, the form those apps read.
public struct TOTP: Sendable, Equatable {
    public let secret: [UInt8]
    public static let stepMilliseconds: Int64 = 30_000
    public static let digits = 6

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    public init?(base32 text: String) {
        guard let bytes = Base32.decode(text), bytes.count >= 10 else { return nil }
        self.secret = bytes
    }

    /// 160 random bits, the length RFC 4226 recommends for SHA-1.
    public static func generate() -> TOTP {
        var generator = SystemRandomNumberGenerator()
        return TOTP(secret: (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public var base32: String { Base32.encode(secret) }

    public static func step(at milliseconds: Int64) -> Int64 { milliseconds / stepMilliseconds }

    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step a code belongs to, accepting one step of clock drift either way; `nil` when it matches none.
    /// Steps at or before `lastUsedStep` are refused, so a code seen over a shoulder cannot be replayed.
    public func matchingStep(_ typedCode: String, at milliseconds: Int64, lastUsedStep: Int64) -> Int64? {
        let typed = typedCode.filter { !$0.isWhitespace }
        guard typed.count == Self.digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let now = Self.step(at: milliseconds)
        var found: Int64?
        // Every candidate is compared (constant time, no early exit) so timing does not reveal which step matched.
        for step in (now - 1)...(now + 1) where ConstantTime.equal(Array(code(step: step).utf8), Array(typed.utf8)) {
            if step > lastUsedStep, found == nil { found = step }
        }
        return found
    }

    /// The `otpauth://` URI authenticator apps scan from the QR code.
    public func provisioningURI(account: String, issuer: String) -> String {
        let label = Self.escape(issuer) + ":" + Self.escape(account)
        return "otpauth://totp/\(label)?secret=\(base32)&issuer=\(Self.escape(issuer))&algorithm=SHA1&digits=6&period=30"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            let char = Character(Unicode.Scalar(byte))
            if byte < 0x80, char.isLetter || char.isNumber || "-._~@".contains(char) {
                result.append(char)
            } else {
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
