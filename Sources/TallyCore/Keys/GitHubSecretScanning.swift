import Crypto
import Foundation

/// GitHub's secret-scanning partner protocol, the parts without I/O. GitHub POSTs the tokens it found to the
/// partner's endpoint as a JSON array, signed with ECDSA (P-256, SHA-256 of the raw body, DER, base64) by one of the
/// keys it publishes at `https://api.github.com/meta/public_keys/secret_scanning`. A server here may not reach GitHub,
/// so those keys are read from a file holding that answer; the request names its key in
/// `Github-Public-Key-Identifier` and carries the signature in `Github-Public-Key-Signature`.
public struct GitHubScanningKeys: Sendable {
    /// Key identifier → key.
    public let keys: [String: P256.Signing.PublicKey]

    public init(keys: [String: P256.Signing.PublicKey]) {
        self.keys = keys
    }

    /// `{"public_keys": [{"key_identifier": "…", "key": "-----BEGIN PUBLIC KEY-----…", "is_current": true}, …]}`.
    public init(json: Data) throws(GitHubScanningError) {
        struct File: Decodable {
            struct Key: Decodable {
                let key_identifier: String
                let key: String
            }
            let public_keys: [Key]
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: json) } catch { throw .keysUnreadable("not GitHub's public-keys JSON") }
        var keys: [String: P256.Signing.PublicKey] = [:]
        for entry in file.public_keys {
            do { keys[entry.key_identifier] = try P256.Signing.PublicKey(pemRepresentation: entry.key) } catch {
                throw .keysUnreadable("key \(entry.key_identifier) is not a P-256 public key in PEM")
            }
        }
        guard !keys.isEmpty else { throw .keysUnreadable("the file holds no public key") }
        self.keys = keys
    }

    /// Whether `signature` (base64 of a DER ECDSA signature) was made over `body` by the key named `identifier`.
    public func verify(body: some DataProtocol, identifier: String?, signature: String?) -> Bool {
        guard let identifier, let key = keys[identifier.trimmingCharacters(in: .whitespaces)],
            let signature, let der = Data(base64Encoded: signature.trimmingCharacters(in: .whitespaces)),
            let parsed = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { return false }
        return key.isValidSignature(parsed, for: body)
    }
}

public enum GitHubScanningError: Error, Equatable {
    case keysUnreadable(String)
}

/// One token GitHub found: where, and of which of the partner's token types.
public struct GitHubLeakItem: Decodable, Sendable, Equatable {
    public let token: String
    public let type: String?
    public let url: String?
    public let source: String?

    public init(token: String, type: String? = nil, url: String? = nil, source: String? = nil) {
        self.token = token
        self.type = type
        self.url = url
        self.source = source
    }
}

/// The partner's verdict on one token (GitHub's "feedback" answer): `true_positive` for a real key of this server,
/// whether revoked by this report or earlier, `false_positive` otherwise. The token is named by its SHA-256 (hex), so
/// the answer never carries a secret back.
public struct GitHubLeakLabel: Encodable, Sendable, Equatable {
    public let token_hash: String
    public let token_type: String
    public let label: String

    public init(token: String, type: String, isOurs: Bool) {
        token_hash = SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
        token_type = type
        label = isOurs ? "true_positive" : "false_positive"
    }
}

extension GitHubScanningKeys {
    /// The keys file at `path`.
    public init(path: String) throws(GitHubScanningError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw .keysUnreadable("\(path) cannot be read") }
        try self.init(json: data)
    }
}

extension GitHubScanningError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .keysUnreadable(let why): "GitHub secret-scanning keys: \(why)"
        }
    }
}
