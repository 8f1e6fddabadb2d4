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
        typealias Delivery = (body: String, signature: String?)
        private struct State {
            var requests: [Delivery] = []
            var waiters: [CheckedContinuation<Delivery, Never>] = []
        }
        private let state = Mutex(State())

        func record(_ delivery: Delivery) {
            let waiters = state.withLock { state in
                state.requests.append(delivery)
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: delivery) }
        }

        /// The first delivery, once it arrives (the sender posts in the background; the tests' time limit bounds the wait).
        func first() async -> Delivery {
            await withCheckedContinuation { waiter in
                let first = state.withLock { state in
                    if state.requests.isEmpty { state.waiters.append(waiter) }
                    return state.requests.first
                }
                if let first { waiter.resume(returning: first) }
            }
        }
    }

    /// A real HTTP server on a free loopback port that records every POST to `/hook`.
    static func withReceiver(_ body: @Sendable (_ port: Int, Received) async throws -> Void) async throws {
        let received = Received()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            var request = request
            let body = try await request.collectBody(upTo: 65_536)
            received.record((String(buffer: body), request.headers[HTTPField.Name("X-ClickTally-Signature")!]))
            return .noContent
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { receiver in
            try await body(try #require(receiver.port), received)
        }
    }

    @Test(.timeLimit(.minutes(1))) func alertsArePostedSignedToTheWebhook() async throws {
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
                let request = await received.first()
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
