import Configuration
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// `POST /v2/keys/leaked/github`, GitHub's secret-scanning partner endpoint, attacked with what GitHub would not send:
/// no signature, a signature by another key, a signature of another body, an unknown key identifier. Keys are a pair
/// generated here, written as GitHub's public-keys JSON; the payload is GitHub's documented shape.
extension APIKeyAuthTests {
    static func scanningKeysFile(_ keys: [String: P256.Signing.PrivateKey]) throws -> String {
        let entries = keys.map { identifier, key in
            ["key_identifier": identifier, "key": key.publicKey.pemRepresentation, "is_current": true] as [String: Any]
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gh-keys-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: ["public_keys": entries]).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func signed(_ body: String, by key: P256.Signing.PrivateKey, as identifier: String) throws -> HTTPFields {
        let signature = try key.signature(for: Data(body.utf8)).derRepresentation.base64EncodedString()
        return [.contentType: "application/json", .githubPublicKeyIdentifier: identifier, .githubPublicKeySignature: signature]
    }

    @Test(arguments: TestEngine.available)
    func aSignedGitHubReportRevokesRealKeysAndLabelsEachToken(_ engine: TestEngine) async throws {
        let github = P256.Signing.PrivateKey()
        let stranger = P256.Signing.PrivateKey()
        let path = try Self.scanningKeysFile(["gh-1": github, "gh-old": P256.Signing.PrivateKey()])
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await Self.withSetup(engine, [AppConfiguration.Key.githubScanningKeys: .string(path)]) { setup in
            let by = KeyService.Actor(name: "t")
            let (leaked, leakedText) = try await setup.createKey(.init(name: "pushed", scopes: .readOnly), accountID: setup.user.accountID, by: by)
            let (_, keptText) = try await setup.createKey(.init(name: "kept", scopes: .readOnly), accountID: setup.user.accountID, by: by)
            let (dead, deadText) = try await setup.createKey(.init(name: "dead", scopes: .readOnly), accountID: setup.user.accountID, by: by)
            _ = try await setup.server.keys.revoke(publicID: dead.publicID, accountID: setup.user.accountID, by: by)
            // Disabled by the key policy for going unused: still a live secret an administrator could enable, so revoked.
            let (idle, idleText) = try await setup.createKey(.init(name: "idle", scopes: .readOnly), accountID: setup.user.accountID, by: by)
            try await setup.database.read { db in
                try await db.update("api_keys").set("status", to: APIKey.Status.disabled.rawValue).where("id", .equal, idle.id).run()
            }
            // The real key's id with another secret: shaped right, checksum right, not a key of this server.
            var generator = SystemRandomNumberGenerator()
            let forged = APIKeyToken(parsing: leakedText)!.withNewSecret(using: &generator).text
            setup.issued.add(forged)
            let url = "https://github.com/octocat/hello/blob/0123abc/.env"
            let items: [(String, String)] = [(leakedText, url), (deadText, url), (forged, url), ("ctk_not_a_key", url), (idleText, url)]
            let body =
                "["
                + items.map { #"{"token":"\#($0.0)","type":"clicktally_api_key","url":"\#($0.1)","source":"content"}"# }
                .joined(separator: ",") + "]"
            let admin: HTTPFields = [.authorization: "Bearer \(setup.admin)"]
            try await setup.server.application.test(.live) { client in
                func works(_ key: String) async throws -> Bool {
                    try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: [.authorization: "Bearer \(key)"]).status == .ok
                }
                // Refused, and nothing revoked: no signature, a stranger's signature under GitHub's identifier, GitHub's
                // signature of another body, an identifier not in the file, a signature that is not base64 DER.
                var attempts: [HTTPFields] = [[.contentType: "application/json"]]
                attempts.append(try Self.signed(body, by: stranger, as: "gh-1"))
                attempts.append(try Self.signed(body.replacingOccurrences(of: "octocat", with: "octodog"), by: github, as: "gh-1"))
                attempts.append(try Self.signed(body, by: github, as: "gh-unknown"))
                var garbled = try Self.signed(body, by: github, as: "gh-1")
                garbled[.githubPublicKeySignature] = "not base64!"
                attempts.append(garbled)
                for headers in attempts {
                    let refused = try await client.execute(
                        uri: "/v2/keys/leaked/github", method: .post, headers: headers, body: ByteBuffer(string: body))
                    #expect(refused.status == .unauthorized)
                    #expect(try Self.errorCode(refused) == "signature_invalid")
                }
                #expect(try await works(leakedText))

                let answer = try await client.execute(
                    uri: "/v2/keys/leaked/github", method: .post, headers: try Self.signed(body, by: github, as: "gh-1"),
                    body: ByteBuffer(string: body))
                #expect(answer.status == .ok)
                #expect(answer.headers[.contentType] == "application/json")
                let text = String(buffer: answer.body)
                for (token, _) in items { #expect(!text.contains(token), "the answer carries a token back") }
                let labels = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView)) as? [[String: String]])
                let hash = { (token: String) in SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined() }
                #expect(labels.map { $0["token_hash"] } == items.map { hash($0.0) })
                #expect(labels.map { $0["label"] } == ["true_positive", "true_positive", "false_positive", "false_positive", "true_positive"])
                #expect(try await setup.server.keys.key(publicID: idle.publicID, accountID: setup.user.accountID).status == .revoked)
                #expect(labels.allSatisfy { $0["token_type"] == "clicktally_api_key" })

                // The live key is revoked at once (answered after the revocation), the other key is untouched.
                let after = try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: [.authorization: "Bearer \(leakedText)"])
                #expect(try Self.errorCode(after) == "key_revoked")
                #expect(try await works(keptText))
                let alerts = String(buffer: try await client.execute(uri: "/v2/alerts", method: .get, headers: admin).body)
                #expect(alerts.contains("\"kind\":\"leaked\"") && alerts.contains(leaked.publicID) && alerts.contains("GitHub secret scanning"))
                let audit = try #require(
                    try Self.json(try await client.execute(uri: "/v2/audit", method: .get, headers: admin))["entities"] as? [[String: Any]])
                let entry = try #require(audit.first { $0["event"] as? String == "leak_reported" })
                #expect(entry["actor"] as? String == "GitHub secret scanning")
                #expect((entry["details"] as? String)?.contains(url) == true)
                #expect(audit.filter { $0["event"] as? String == "leak_reported" }.count == 2)

                // A report GitHub sends again changes nothing and says the same.
                let again = try await client.execute(
                    uri: "/v2/keys/leaked/github", method: .post, headers: try Self.signed(body, by: github, as: "gh-1"),
                    body: ByteBuffer(string: body))
                #expect(String(buffer: again.body) == text)
                // Not a JSON array of reports: a 400, once signed.
                let bad = "{\"token\":1}"
                let malformed = try await client.execute(
                    uri: "/v2/keys/leaked/github", method: .post, headers: try Self.signed(bad, by: github, as: "gh-1"), body: ByteBuffer(string: bad)
                )
                #expect(malformed.status == .badRequest)
                #expect(try Self.errorCode(malformed) == "body_invalid")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func withoutGitHubKeysTheEndpointSaysItIsNotConfigured(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            try await setup.server.application.test(.router) { client in
                let answer = try await client.execute(uri: "/v2/keys/leaked/github", method: .post, body: ByteBuffer(string: "[]"))
                #expect(answer.status == .notFound)
                #expect(try Self.errorCode(answer) == "secret_scanning_not_configured")
            }
        }
    }

    @Test
    func aKeysFileThatIsNotGitHubsIsRefusedWithTheReason() throws {
        #expect(throws: GitHubScanningError.keysUnreadable("not GitHub's public-keys JSON")) {
            try GitHubScanningKeys(json: Data("[]".utf8))
        }
        #expect(throws: GitHubScanningError.keysUnreadable("key k is not a P-256 public key in PEM")) {
            try GitHubScanningKeys(json: Data(#"{"public_keys":[{"key_identifier":"k","key":"nope"}]}"#.utf8))
        }
        #expect(throws: GitHubScanningError.keysUnreadable("the file holds no public key")) {
            try GitHubScanningKeys(json: Data(#"{"public_keys":[]}"#.utf8))
        }
    }

    /// The pattern users give their scanners (docs/secret-scanning.md) is the one keys are made to, and finds every key.
    @Test
    func theDocumentedPatternFindsEveryKeyAndOnlyKeys() throws {
        let doc = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/secret-scanning.md"),
            encoding: .utf8)
        #expect(doc.contains(APIKeyToken.pattern))
        let scanner = #"\bctk_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}\b"#
        #expect(doc.contains(scanner))
        for _ in 0..<200 {
            let key = APIKeyToken.generate().text
            #expect(key.utf8.count == APIKeyToken.length)
            #expect("token = \"\(key)\";".range(of: scanner, options: .regularExpression) != nil)
        }
        // One character more, or a key inside a longer word, is not a key.
        #expect(("x" + APIKeyToken.generate().text).range(of: scanner, options: .regularExpression) == nil)
        #expect((APIKeyToken.generate().text + "Z").range(of: scanner, options: .regularExpression) == nil)
    }
}
