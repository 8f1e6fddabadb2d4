import Configuration
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

/// Abuse cannot exhaust the service (OWASP API4, issue 13 §7): floods of bad keys, leak reports, an unbounded usage
/// log — each tried against a real server on both engines.
@Suite struct AbuseLimitTests {
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
