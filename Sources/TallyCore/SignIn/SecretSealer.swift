import Crypto
import Foundation

/// Secrets the server must read back in clear (a TOTP secret to check codes, a webhook secret to sign alerts) are
/// stored sealed with AES-GCM under a key derived from the server secret for that purpose: a copy of the database
/// alone hands none of them out. Stored as `v1:` and base64; text without the prefix is read as written by versions
/// before sealing.
public struct SecretSealer: Sendable {
    private let key: SymmetricKey

    /// `purpose` separates the keys: a TOTP box cannot be opened as a webhook secret.
    public init(serverSecret: [UInt8], purpose: String) {
        let derived = HMAC<SHA256>.authenticationCode(for: Array("clicktally \(purpose) v1".utf8), using: SymmetricKey(data: serverSecret))
        self.key = SymmetricKey(data: Array(derived))
    }

    public func seal(_ plain: String) throws -> String {
        "v1:" + (try AES.GCM.seal(Data(plain.utf8), using: key).combined ?? Data()).base64EncodedString()
    }

    /// The plain text, or `nil` for a box this key did not seal.
    public func open(_ stored: String?) -> String? {
        guard let stored else { return nil }
        guard stored.hasPrefix("v1:") else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(3))), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key)
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }
}
