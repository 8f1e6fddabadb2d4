import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Event webhooks through a real local receiver, on both engines: a receiver that is down gets every event once it is
/// back, once each and in order per link; events queued before a restart are delivered by the next server; every
/// delivery is signed so the receiver can refuse forgeries and replays. The dispatcher is driven by hand
/// (`deliverDue`, its timer stopped) and the clock moved past each back-off, so nothing waits for real time.
@Suite struct EventWebhookTests {
    /// A receiver whose answer the test sets (503 while "down"); `deliverDue` returns only after each POST was answered,
    /// so what it recorded can be read at once.
    final class Receiver: Sendable {
        struct Request: Sendable {
            let body: String
            let signature: String
            let event: String
        }

        let status = Mutex(HTTPResponse.Status.serviceUnavailable)
        let requests = Mutex<[Request]>([])
        var all: [Request] { requests.withLock { $0 } }
        var events: [String] { all.map(\.event) }

        static func run(_ body: @Sendable (_ port: Int, Receiver) async throws -> Void) async throws {
            let receiver = Receiver()
            let router = Router()
            router.post("hook") { request, _ -> HTTPResponse.Status in
                var request = request
                let text = String(buffer: try await request.collectBody(upTo: 1 << 20))
                let fields = request.headers
                receiver.requests.withLock {
                    $0.append(
                        Request(
                            body: text, signature: fields[HTTPField.Name("X-ClickTally-Signature")!] ?? "",
                            event: fields[HTTPField.Name("X-ClickTally-Event")!] ?? ""))
                }
                return receiver.status.withLock { $0 }
            }
            try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { app in
                try await body(try #require(app.port), receiver)
            }
        }
    }

    static let loopback: [String: ConfigContent] = [AppConfiguration.Key.outboundAllowLoopback: .bool(true)]

    static func createWebhook(_ client: some TestClientProtocol, admin: String, port: Int, events: [String]) async throws -> (
        id: Int64, secret: String
    ) {
        let body = #"{"url":"http://127.0.0.1:\#(port)/hook","events":[\#(events.map { "\"\($0)\"" }.joined(separator: ","))]}"#
        let created = try await client.execute(
            uri: "/v2/webhooks", method: .post, headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"],
            body: ByteBuffer(string: body))
        #expect(created.status == .created)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(created.body.readableBytesView)) as? [String: Any])
        return (try #require(json["id"] as? Int).int64, try #require(json["secret"] as? String))
    }

    @Test(arguments: TestEngine.available)
    func aReceiverThatWasDownGetsEveryEventOnceInOrder(_ engine: TestEngine) async throws {
        let time = MovingWallClock(startingAt: StatsAPITests.start)
        try await Receiver.run { port, receiver in
            try await withTestServer(engine, Self.loopback, clock: time.clock, timers: ServiceTimers(jobs: ManualClock())) { server, database in
                let (_, admin) = try await server.keys.create(
                    .init(name: "admin", scopes: .admin), accountID: server.defaults.accountID, by: .init(name: "t"))
                try await server.application.test(.live) { client in
                    let headers: HTTPFields = [.authorization: "Bearer \(admin)"]
                    // Refused: a URL inside (without the test allowance it would be loopback too), an unknown event.
                    let inside = try await client.execute(
                        uri: "/v2/webhooks", method: .post, headers: headers,
                        body: ByteBuffer(string: #"{"url":"http://169.254.169.254/","events":["link.created"]}"#))
                    #expect(inside.status == .badRequest)
                    let unknown = try await client.execute(
                        uri: "/v2/webhooks", method: .post, headers: headers,
                        body: ByteBuffer(string: #"{"url":"http://127.0.0.1:\#(port)/hook","events":["link.exploded"]}"#))
                    #expect(try APIKeyAuthTests.errorCode(unknown) == "event_unknown")

                    let (id, secret) = try await Self.createWebhook(
                        client, admin: admin, port: port, events: ["link.created", "link.updated", "link.deleted"])
                    let listed = String(buffer: try await client.execute(uri: "/v2/webhooks", method: .get, headers: headers).body)
                    #expect(listed.contains("link.updated") && !listed.contains(secret), "the secret is shown once")

                    let link = try await server.link("https://example.com/", name: "hooked")
                    _ = try await server.datapoints.setStatus(id: link.id, to: .paused)
                    _ = try await server.datapoints.setStatus(id: link.id, to: .deleted)

                    // Down: the first event fails and the two after it wait behind it (a link's events stay in order).
                    #expect(try await server.dispatcher.deliverDue() == 1)
                    #expect(receiver.events == ["link.created"])
                    #expect(try await server.dispatcher.deliverDue() == 0, "not before its back-off")
                    let log = String(buffer: try await client.execute(uri: "/v2/webhooks/\(id)/deliveries", method: .get, headers: headers).body)
                    #expect(log.contains("\"statusCode\":503") && log.contains("answered 503"))

                    // Up again, ten seconds later: every event, once each, in order.
                    receiver.status.withLock { $0 = .noContent }
                    time.advance(milliseconds: 10_000)
                    while try await server.dispatcher.deliverDue() > 0 {}
                    #expect(receiver.events == ["link.created", "link.created", "link.updated", "link.deleted"])
                    let events = String(buffer: try await client.execute(uri: "/v2/webhooks/\(id)/events", method: .get, headers: headers).body)
                    #expect(events.components(separatedBy: "\"state\":\"delivered\"").count - 1 == 3)

                    // Each delivery is signed over its timestamp and body; a receiver refuses forgeries and replays.
                    let now = time.clock.now() / 1000
                    for request in receiver.all {
                        let body = Array(request.body.utf8)
                        #expect(WebhookSignature.verify(header: request.signature, body: body, secret: secret, now: now))
                        #expect(!WebhookSignature.verify(header: request.signature, body: body, secret: secret + "x", now: now))
                        #expect(!WebhookSignature.verify(header: request.signature, body: Array((request.body + " ").utf8), secret: secret, now: now))
                        #expect(!WebhookSignature.verify(header: request.signature, body: body, secret: secret, now: now + 600), "a replay")
                    }
                    let last = try #require(receiver.all.last)
                    let payload = try #require(try JSONSerialization.jsonObject(with: Data(last.body.utf8)) as? [String: Any])
                    #expect(payload["event"] as? String == "link.deleted")
                    #expect((payload["data"] as? [String: Any])?["name"] as? String == "hooked")

                    // Manual redelivery sends it again; another account cannot (the event is not found for it).
                    let eventID = try #require(payload["id"] as? String)
                    let again = try await client.execute(uri: "/v2/webhooks/\(id)/events/\(eventID)/redeliver", method: .post, headers: headers)
                    #expect(again.status == .accepted)
                    #expect(try await server.dispatcher.deliverDue() == 1)
                    #expect(receiver.events.last == "link.deleted" && receiver.events.count == 5)
                    #expect(
                        try await client.execute(uri: "/v2/webhooks/\(id)/events/evt_999999/redeliver", method: .post, headers: headers).status
                            == .notFound)

                    // Disabled: a queued event waits (not even claimed), new ones are not queued; enabled: it goes.
                    _ = try await server.link("https://example.com/", name: "waiting")
                    func enabled(_ on: Bool) async throws {
                        _ = try await client.execute(
                            uri: "/v2/webhooks/\(id)", method: .post, headers: headers, body: ByteBuffer(string: #"{"enabled":\#(on)}"#))
                    }
                    try await enabled(false)
                    #expect(try await server.dispatcher.deliverDue() == 0)
                    try await enabled(true)
                    #expect(try await server.dispatcher.deliverDue() == 1)
                    #expect(receiver.events.count == 6)
                    try await enabled(false)
                    _ = try await server.link("https://example.com/", name: "quiet")
                    #expect(try await database.count("webhook_outbox", where: "state = 0") == 0, "a disabled webhook gets no new events")
                    #expect(try await client.execute(uri: "/v2/webhooks/\(id)", method: .delete, headers: headers).status == .noContent)
                    #expect(try await database.count("webhook_outbox") == 0)
                }
            }
        }
    }

    /// Key events and clicks queued by one server, never delivered by it, are delivered by the next one on the database.
    @Test(arguments: TestEngine.available)
    func eventsQueuedBeforeARestartAreDeliveredAfterIt(_ engine: TestEngine) async throws {
        try await Receiver.run { port, receiver in
            receiver.status.withLock { $0 = .ok }
            try await withMigratedTestDatabase(engine) { database, location in
                let configuration = try testConfiguration(Self.loopback, database: location)
                let stopped = ServiceTimers(jobs: ManualClock())
                let first = try await buildApplication(configuration: configuration, database: database, timers: stopped, logger: testLogger)
                let account = first.defaults.accountID
                let (_, admin) = try await first.keys.create(.init(name: "admin", scopes: .admin), accountID: account, by: .init(name: "t"))
                let link = try await first.link("https://example.com/", name: "clicked")
                let keyID = try await first.application.test(.live) { client in
                    _ = try await Self.createWebhook(
                        client, admin: admin, port: port, events: ["key.created", "key.rotated", "key.revoked", "link.clicked"])
                    let (key, _) = try await first.keys.create(.init(name: "short", scopes: .readOnly), accountID: account, by: .init(name: "t"))
                    _ = try await first.keys.rotate(publicID: key.publicID, accountID: account, graceMilliseconds: 0, by: .init(name: "t"))
                    _ = try await first.keys.revoke(publicID: key.publicID, accountID: account, by: .init(name: "t"))
                    for _ in 0..<3 { #expect(try await client.execute(uri: "/clicked", method: .get).status == .found) }
                    return key.publicID
                }
                // The first server stopped (its writer drained the clicks, with their event); nothing was delivered.
                #expect(receiver.all.isEmpty)
                // Three key events, and the clicks in one event per writer batch (one or more: a loaded machine may split them).
                let queued = try await database.count("webhook_outbox", where: "state = 0")
                #expect(queued >= 4 && queued <= 6)
                let second = try await buildApplication(configuration: configuration, database: database, timers: stopped, logger: testLogger)
                while try await second.dispatcher.deliverDue() > 0 {}
                #expect(receiver.events.filter { $0.hasPrefix("key.") } == ["key.created", "key.rotated", "key.revoked"])
                let clicked = receiver.all.filter { $0.event == "link.clicked" }
                var clicks: [[String: Any]] = []
                for event in clicked {
                    let data = try #require(
                        (try JSONSerialization.jsonObject(with: Data(event.body.utf8)) as? [String: Any])?["data"] as? [String: Any])
                    clicks += try #require(data["clicks"] as? [[String: Any]])
                    #expect(!event.body.contains("127.0.0.1"), "no visitor address leaves in a click event")
                }
                #expect(clicks.count == 3 && clicks.allSatisfy { $0["linkId"] as? Int == Int(link.id) })
                #expect(receiver.all.allSatisfy { !$0.body.contains("ctk_") }, "no key text in key events")
                #expect(receiver.all.contains { $0.body.contains(keyID) })
                #expect(try await database.count("webhook_outbox", where: "state = 1") == queued)
                #expect(receiver.all.count == queued)
            }
        }
    }
}

extension Int {
    fileprivate var int64: Int64 { Int64(self) }
}
