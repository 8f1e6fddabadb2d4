import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Abuse cannot exhaust the service (OWASP API4, issue 13 §7): floods of bad keys, leak reports, an unbounded usage
/// log — each tried against a real server on both engines.
/// One test at a time: a flood beside the slowloris or stream timings would measure the flood.
@Suite(.serialized) struct AbuseLimitTests {
    static let flood = Int(ProcessInfo.processInfo.environment["CLICKTALLY_TEST_FLOOD"] ?? "") ?? 100_000

    @Test(arguments: TestEngine.available)
    func aFloodOfBadKeysLeavesTheUsageLogBounded(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine, [AppConfiguration.Key.authFailureBurst: .int(1_000_000)]) { setup in
            let before = try await setup.database.count("api_requests")
            try await setup.server.application.test(.live) { client in
                let workers = 16
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<workers {
                        group.addTask {
                            for index in stride(from: worker, to: Self.flood, by: workers) {
                                let bad =
                                    index % 2 == 0
                                    ? "ctk_garbage\(index)" : "ctk_\(String(repeating: "A", count: 12))_\(String(repeating: "b", count: 38))"
                                let response = try await client.execute(
                                    uri: "/v2/datapoints/count", method: .get, headers: [.authorization: "Bearer \(bad)"])
                                guard response.status == .unauthorized || response.status == .tooManyRequests else {
                                    Issue.record("bad key answered \(response.status)")
                                    return
                                }
                            }
                        }
                    }
                    try await group.next()
                    for try await _ in group {}
                }
            }
            try await setup.server.failures.flush()
            // No row per refused request: the log is as long as before, the failures a few per-minute counters.
            #expect(try await setup.database.count("api_requests") == before)
            #expect(try await setup.database.count("api_failures") <= 20)
            let counted = try await SQLKeyEventRepository(database: setup.database).unauthenticatedFailures(from: 0)
            #expect(counted.values.reduce(0, +) == Int64(Self.flood))
        }
    }

    @Test(arguments: TestEngine.available)
    func leakReportsAreThrottledLikeBadKeysAndAnsweredAlike(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine, [AppConfiguration.Key.authFailureBurst: .int(5)]) { setup in
            try await setup.server.application.test(.live) { client in
                var statuses: [HTTPResponse.Status] = []
                var bodies: Set<String> = []
                for index in 0..<8 {
                    let response = try await client.execute(
                        uri: "/v2/keys/leaked", method: .post, body: ByteBuffer(string: #"{"key":"ctk_guess\#(index)"}"#))
                    statuses.append(response.status)
                    if response.status == .accepted { bodies.insert(String(buffer: response.body)) }
                }
                #expect(statuses.prefix(5).allSatisfy { $0 == .accepted })
                #expect(statuses.suffix(3).allSatisfy { $0 == .tooManyRequests })
                #expect(bodies == [#"{"received":true}"#])
                // The same budget as bad keys: the address is throttled on the API too now.
                let bad = try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: [.authorization: "Bearer ctk_bad"])
                #expect(bad.status == .tooManyRequests)
            }
        }
    }

    /// One request on a connection of its own (the live test client has one connection, answering in turn); when it ended.
    static func onOwnConnection(_ port: Int, _ uri: String, _ headers: HTTPFields) async throws -> (HTTPResponse.Status, ContinuousClock.Instant) {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
        client.connect()
        let response = try await client.get(uri, headers: headers)
        let end = ContinuousClock.now
        try? await client.shutdown()
        return (response.status, end)
    }

    /// Waits (at most 5 s) until `holder` has `count` streams open on the server.
    static func waitForStreams(_ server: TallyServer, _ holder: String, _ count: Int) async throws {
        for _ in 0..<100 where server.streams.held(holder) != count { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.streams.held(holder) == count)
    }

    @Test(arguments: TestEngine.available)
    func liveStreamsAreCappedPerKeyAndEndSoonAfterTheKeyIsRevoked(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine) { setup in
            let (key, text) = try await setup.createKey(
                .init(name: "streamer", scopes: .readOnly), accountID: setup.user.accountID, by: .init(name: "t"))
            try await setup.server.application.test(.live) { client in
                let headers: HTTPFields = [.authorization: "Bearer \(text)"]
                let ended = try await withThrowingTaskGroup(of: ContinuousClock.Instant.self) { group in
                    let port = try #require(client.port)
                    for _ in 0..<5 {
                        group.addTask {
                            let (status, end) = try await Self.onOwnConnection(port, "/v2/clickstream/live?maxSeconds=20", headers)
                            #expect(status == .ok)
                            return end
                        }
                    }
                    try await Self.waitForStreams(setup.server, "key \(key.id)", 5)
                    let sixth = try await client.execute(uri: "/v2/clickstream/live?maxSeconds=20", method: .get, headers: headers)
                    #expect(sixth.status == .tooManyRequests)
                    #expect(try APIKeyAuthTests.errorCode(sixth) == "too_many_streams")
                    let revokedAt = ContinuousClock.now
                    let revoke = try await client.execute(
                        uri: "/v2/keys/\(key.publicID)/revoke", method: .post, headers: [.authorization: "Bearer \(setup.admin)"])
                    #expect(revoke.status == .ok)
                    var last = revokedAt
                    for try await end in group { last = max(last, end) }
                    return last - revokedAt
                }
                #expect(ended < .seconds(2), "the streams ended \(ended) after the revocation")
                #expect(setup.server.streams.held("key \(key.id)") == 0, "every slot was given back")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aDashboardLiveViewEndsSoonAfterSigningOut(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { server, _, browser in
            let link = try await server.datapoints.create(
                accountID: server.defaults.accountID, domain: server.defaults.systemDomain, .init(destination: "https://example.com/", name: "live1"))
            let token = try #require(browser.cookies["ct_session"])
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf"))
            let holder = "session " + SignInSecrets.hash(token)
            let client = browser.client
            let elapsed = try await withThrowingTaskGroup(of: ContinuousClock.Instant.self) { group in
                let port = try #require(client.port)
                group.addTask {
                    try await Self.onOwnConnection(port, "/dashboard/links/\(link.id)/live?maxSeconds=20", [.cookie: "ct_session=\(token)"]).1
                }
                try await Self.waitForStreams(server, holder, 1)
                let signedOut = ContinuousClock.now
                try await browser.post("/dashboard/logout", [("_csrf", csrf)])
                let end = try await group.next() ?? .now
                return end - signedOut
            }
            #expect(elapsed < .seconds(2), "the live view ended \(elapsed) after signing out")
            #expect(server.streams.held(holder) == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func fiveHundredHalfSentRequestsDoNotStopHealthOrARedirect(_ engine: TestEngine) async throws {
        try await withTestServer(engine, [AppConfiguration.Key.requestHeadTimeout: .int(5_000)]) { server, _ in
            _ = try await server.datapoints.create(
                accountID: server.defaults.accountID, domain: server.defaults.systemDomain, .init(destination: "https://example.com/", name: "slow"))
            try await server.application.test(.live) { client in
                let port = try #require(client.port)
                // A slowloris client: 500 connections, each with a request head it never finishes.
                var slow: [any Channel] = []
                for _ in 0..<500 {
                    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port).get()
                    // On a loaded machine the server may already have closed an early one: that is the rule working.
                    try? await channel.writeAndFlush(ByteBuffer(string: "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")).get()
                    slow.append(channel)
                }
                for (path, status) in [("/health", HTTPResponse.Status.ok), ("/slow", .found)] {
                    let started = ContinuousClock.now
                    let response = try await client.execute(uri: path, method: .get)
                    let took = ContinuousClock.now - started
                    #expect(response.status == status)
                    // Held up behind them, it would wait for the 5 s head timeout; the bound leaves room for a loaded machine.
                    #expect(took < .seconds(2), "\(path) took \(took) beside 500 half-sent requests")
                }
                // Past the head timeout (5 s here, 15 s by default) the server has closed every one of them.
                let closing = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for channel in slow {
                        group.addTask {
                            try await withThrowingTaskGroup(of: Bool.self) { race in
                                race.addTask {
                                    try await channel.closeFuture.get(); return true
                                }
                                race.addTask {
                                    try await Task.sleep(for: .seconds(5)); return false
                                }
                                let first = try await race.next() ?? false
                                race.cancelAll()
                                return first
                            }
                        }
                    }
                    return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
                }
                #expect(closing == 500, "the server closed \(closing) of 500 slow connections")
                for channel in slow { try? await channel.close() }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func theUsageLogIsPrunedToItsRetentionInSmallBatches(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let clock = MovableClock(StatsAPITests.start)
            let events = SQLKeyEventRepository(database: database)
            let now = clock.wallClock.now()
            try await database.transaction { db in
                for age in [45, 31, 29, 1] as [Int64] {
                    for index in 0..<1_100 {
                        try await db.insert(into: "api_requests")
                            .columns(
                                "account_id", "key_id", "time_ms", "method", "route", "status", "latency_us", "client_ip", "key_in_query",
                                "used_previous_secret"
                            )
                            .values(1, 1, now - age * 86_400_000 + Int64(index), "GET", "/v2/x", 200, 1, "192.0.2.1", false, false).run()
                    }
                }
            }
            _ = events
            let pruner = RequestLogPruner(database: database, retentionDays: 30, clock: clock.wallClock, logger: testLogger)
            #expect(try await pruner.prune() == 2_200)
            #expect(try await database.count("api_requests") == 2_200)
            #expect(try await database.count("api_requests", where: "time_ms < \(now - 30 * 86_400_000)") == 0)
        }
    }
}
