import Crypto

/// Hashes key secrets for storage: HMAC-SHA256 under a server pepper, so a stolen database alone does not let
/// anyone test guesses. Secrets have ≈190 bits of entropy, so a slow hash (bcrypt) would add cost, not safety.
public struct APIKeyHasher: Sendable {
    private let key: SymmetricKey

    public init(pepper: [UInt8]) {
        self.key = SymmetricKey(data: pepper)
    }

    /// Lower-case hex of the HMAC of the secret.
    public func hash(secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key)
        return code.reduce(into: "") { text, byte in
            text.append(Self.hexDigits[Int(byte >> 4)])
            text.append(Self.hexDigits[Int(byte & 0xF)])
        }
    }

    /// Constant-time: the time taken says nothing about how much of `secret` was right.
    public func matches(secret: String, storedHash: String) -> Bool {
        Self.constantTimeEqual(Array(hash(secret: secret).utf8), Array(storedHash.utf8))
    }

    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static let hexDigits: [Character] = Array("0123456789abcdef")

    /// A fresh pepper from the system CSPRNG.
    public static func generatePepper() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
