import Crypto

/// Hashes key secrets for storage: HMAC-SHA256 under a server pepper, so a stolen database alone does not let
/// anyone test guesses. Secrets have ≈190 bits of entropy, so a slow hash (bcrypt) would add cost, not safety.
///
/// Verification runs on every API request, so it avoids every allocation it can: the HMAC is keyed once and
/// copied per use (keying hashes the pepper twice), and the comparison runs over the digest's bytes against
/// the stored hex without building a string.
public struct APIKeyHasher: Sendable {
    private let keyed: HMAC<SHA256>

    public init(pepper: [UInt8]) {
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: pepper))
    }

    /// Lower-case hex of the HMAC of the secret (64 characters).
    public func hash(secret: String) -> String {
        let digest = mac(secret)
        return String(unsafeUninitializedCapacity: 64) { buffer in
            digest.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    buffer[2 * index] = Self.hexDigits[Int(byte >> 4)]
                    buffer[2 * index + 1] = Self.hexDigits[Int(byte & 0xF)]
                }
            }
            return 64
        }
    }

    /// Constant-time: the time taken says nothing about how much of `secret` was right.
    public func matches(secret: String, storedHash: String) -> Bool {
        let digest = mac(secret)
        var stored = storedHash
        return stored.withUTF8 { stored in
            guard stored.count == 64 else { return false }
            var difference: UInt8 = 0
            digest.withUnsafeBytes { bytes in
                for (index, byte) in bytes.enumerated() {
                    difference |= stored[2 * index] ^ Self.hexDigits[Int(byte >> 4)]
                    difference |= stored[2 * index + 1] ^ Self.hexDigits[Int(byte & 0xF)]
                }
            }
            return difference == 0
        }
    }

    private func mac(_ secret: String) -> HMAC<SHA256>.MAC {
        var mac = keyed
        var secret = secret
        secret.withUTF8 { mac.update(data: $0) }
        return mac.finalize()
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A fresh pepper from the system CSPRNG.
    public static func generatePepper() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
