import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Alerts POSTed to a real HTTP receiver, with a signature the receiver can check.
@Suite struct WebhookTests {
    final class Received: Sendable {
        let requests = Mutex<[(body: String, signature: String?)]>([])

        /// The first delivery, waiting up to 5 s for it (the sender posts in the background).
        func first() async throws -> (body: String, signature: String?)? {
            for _ in 0..<50 {
                if let first = requests.withLock({ $0.first }) { return first }
                try await Task.sleep(for: .milliseconds(100))
            }
            return nil
        }
    }

    /// A real HTTP server on a free loopback port that records every POST to `/hook`.
    static func withReceiver(_ body: @Sendable (_ port: Int, Received) async throws -> Void) async throws {
        let received = Received()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 65_536)
            received.requests.withLock { $0.append((String(buffer: body), request.headers[HTTPField.Name("X-ClickTally-Signature")!])) }
            return .noContent
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { receiver in
            try await body(try #require(receiver.port), received)
        }
    }

    @Test func alertsArePostedSignedToTheWebhook() async throws {
        let secret = "webhook-secret-0123456789"
        try await Self.withReceiver { port, received in
            let values: [String: ConfigContent] = [
                AppConfiguration.Key.alertWebhookURL: .string("http://127.0.0.1:\(port)/hook"),
                AppConfiguration.Key.alertWebhookSecret: .string(secret),
            ]
            try await withTestServer(.sqlite, values) { server, database in
                let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                    email: "w@example.com", password: "long enough pass", now: 1)
                let (key, text) = try await server.keys.create(
                    .init(name: "hooked", scopes: .readOnly), accountID: user.accountID, by: .init(name: "t"))
                try await server.application.test(.live) { client in
                    // A key in the URL raises an alert.
                    let response = try await client.execute(uri: "/v2/links?authKey=\(text)", method: .get)
                    #expect(response.status == .ok)
                }
                let request = try #require(try await received.first())
                let payload = try JSONDecoder().decode(WebhookSender.Payload.self, from: Data(request.body.utf8))
                #expect(payload.kind == "key_in_url" && payload.keyId == key.publicID)
                #expect(request.signature == "sha256=" + WebhookSender.signature(of: Array(request.body.utf8), secret: secret))
                #expect(!request.body.contains(APIKeyToken(parsing: text)!.secret))
            }
        }
    }

    @Test func aWebhookNeedsAnAbsoluteURLAndASecret() {
        #expect(throws: ValidationError.self) {
            _ = try testConfiguration([AppConfiguration.Key.alertWebhookURL: .string("ftp://x")], database: .sqlite(path: "/tmp/x"))
        }
        #expect(throws: ValidationError.self) {
            _ = try testConfiguration(
                [AppConfiguration.Key.alertWebhookURL: .string("https://hooks.example.com/x")], database: .sqlite(path: "/tmp/x"))
        }
    }
}
