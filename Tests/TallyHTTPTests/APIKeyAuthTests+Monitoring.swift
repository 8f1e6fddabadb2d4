import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLKit
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// The API key layer through real HTTP (live server on loopback), on both engines.
/// Rate limits, failure throttling and anomaly alerts.
extension APIKeyAuthTests {
    @Test(arguments: TestEngine.available)
    func repeatedFailuresFromOneAddressAreThrottled(_ engine: TestEngine) async throws {
        // A stopped clock: the throttle refills one attempt a second, and a slow machine must not see that happen.
        try await Self.withSetup(engine, [AppConfiguration.Key.authFailureBurst: .int(5)], clock: .fixed(1_800_000_000_000)) { setup in
            try await setup.server.application.test(.live) { client in
                let unknown: HTTPFields = [.authorization: "Bearer \(APIKeyToken.generate().text)"]
                var statuses: [Int] = []
                for _ in 0..<8 { statuses.append(Int(try await client.execute(uri: "/v2/links", method: .get, headers: unknown).status.code)) }
                #expect(statuses == [401, 401, 401, 401, 401, 429, 429, 429])
                // Even the right key waits while its address is throttled: guessing must not be rewarded.
                let blocked = try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(setup.admin)"])
                #expect(blocked.status == .tooManyRequests)
                #expect(blocked.headers[.retryAfter] != nil && blocked.headers[HTTPField.Name("X-Rate-Limit-Limit")!] == "5")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func firstUseFromANewNetworkRaisesAnAlert(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine, [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]) { setup in
            try await setup.server.application.test(.live) { client in
                func use(from address: String) async throws {
                    let headers: HTTPFields = [
                        .authorization: "Bearer \(setup.admin)", HTTPField.Name("X-Forwarded-For")!: address,
                        HTTPField.Name("X-Forwarded-Proto")!: "https",
                    ]
                    #expect(try await client.execute(uri: "/v2/links", method: .get, headers: headers).status == .ok)
                }
                func newNetworkAlerts() async throws -> [String] {
                    let headers: HTTPFields = [
                        .authorization: "Bearer \(setup.admin)", HTTPField.Name("X-Forwarded-For")!: "198.51.100.7",
                        HTTPField.Name("X-Forwarded-Proto")!: "https",
                    ]
                    let response = try await client.execute(uri: "/v2/alerts", method: .get, headers: headers)
                    #expect(response.status == .ok)
                    let body = try Self.json(response)
                    return (body["entities"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "new_network" }
                        .compactMap { $0["message"] as? String }
                }
                try await use(from: "198.51.100.7")  // the first use ever is not an anomaly
                try await use(from: "198.51.100.9")  // same /24
                #expect(try await newNetworkAlerts().isEmpty)
                try await use(from: "203.0.113.5")
                try await use(from: "203.0.113.6")
                let alerts = try await newNetworkAlerts()
                #expect(alerts.count == 1)
                #expect(alerts.first?.contains("203.0.113.0") == true)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aBurstOfFailuresNamingOneKeyRaisesAnAlert(_ engine: TestEngine) async throws {
        // A stopped clock, so the failure count does not drain on a slow machine.
        try await Self.withSetup(engine, clock: .fixed(1_800_000_000_000)) { setup in
            let id = APIKeyToken(parsing: setup.admin)!.publicID
            try await setup.server.application.test(.live) { client in
                for _ in 0..<12 {
                    let guess = APIKeyToken(publicID: id, secret: APIKeyToken.generate().secret).text
                    #expect(
                        try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(guess)"]).status == .unauthorized
                    )
                }
                let alerts = try Self.json(
                    try await client.execute(uri: "/v2/alerts", method: .get, headers: [.authorization: "Bearer \(setup.admin)"]))
                let kinds = (alerts["entities"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
                #expect(kinds.filter { $0 == "failed_attempts" }.count == 1)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func thirtyRequestsInASecondOnATenPerSecondKeyMeet429s(_ engine: TestEngine) async throws {
        // A stopped clock: all thirty arrive "within the same second" however slow the machine is today.
        try await Self.withSetup(engine, clock: .fixed(1_800_000_000_000)) { setup in
            let (key, text) = try await setup.createKey(
                .init(name: "slow", scopes: .readOnly), accountID: setup.user.accountID, by: .init(name: "t"))
            try await setup.server.application.test(.live) { client in
                var statuses: [Int] = []
                var refused: TestResponse?
                for _ in 0..<30 {
                    let response = try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(text)"])
                    statuses.append(response.status.code)
                    if response.status == .tooManyRequests, refused == nil { refused = response }
                }
                #expect(statuses == Array(repeating: 200, count: 20) + Array(repeating: 429, count: 10))
                let limited = try #require(refused)
                #expect(limited.headers[.retryAfter] == "1")
                #expect(limited.headers[HTTPField.Name("X-Rate-Limit-Remaining")!] == "0")
                #expect(limited.headers[HTTPField.Name("X-Rate-Limit-Limit")!] == "20")
                #expect(try Self.errorCode(limited) == "rate_limited")
                let usage = try await client.execute(
                    uri: "/v2/keys/\(key.publicID)/usage?granularity=minute", method: .get, headers: [.authorization: "Bearer \(setup.admin)"])
                let rows = try #require(try Self.json(usage)["entities"] as? [[String: Any]])
                let tooMany = rows.filter { $0["status"] as? String == "4xx" }.compactMap { $0["count"] as? Int }.reduce(0, +)
                #expect(tooMany == statuses.filter { $0 == 429 }.count)
                // The recent requests, newest first, in pages joined by `lastKey`.
                let admin: HTTPFields = [.authorization: "Bearer \(setup.admin)"]
                let first = try Self.json(try await client.execute(uri: "/v2/keys/\(key.publicID)/requests?limit=20", method: .get, headers: admin))
                let cursor = try #require(first["lastKey"] as? String)
                let second = try Self.json(
                    try await client.execute(uri: "/v2/keys/\(key.publicID)/requests?limit=20&lastKey=\(cursor)", method: .get, headers: admin))
                let pages = [first, second].map { ($0["entities"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? Int } }
                #expect(pages[0].count == 20 && pages[1].count == 10 && second["lastKey"] == nil)
                #expect(pages[0] + pages[1] == statuses.reversed())
            }
        }
    }
}
