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

/// Limits users shape per key, through real HTTP on both engines: usage-limited keys (credits, refills, exact across
/// nodes), several named limits with the tightest in the headers, and the authority rule attacked — a limited key
/// trying to mint a key with more than it has.
extension APIKeyAuthTests {
    static func call(
        _ client: some TestClientProtocol, _ key: String, _ method: HTTPRequest.Method = .get, _ uri: String = "/v2/datapoints/count",
        _ body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: uri, method: method, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) })
    }

    static func createdKey(_ response: TestResponse) throws -> (id: String, key: String) {
        let json = try Self.json(response)
        return (try #require(json["id"] as? String), try #require(json["key"] as? String))
    }

    @Test(arguments: TestEngine.available)
    func aUsageLimitedKeySpendsItsCreditsThenIsRefusedUntilItsRefill(_ engine: TestEngine) async throws {
        // Noon UTC, the clock standing still unless moved.
        let time = MovingWallClock(startingAt: 1_796_644_800_000)
        try await Self.withSetup(engine, clock: time.clock) { setup in
            try await setup.server.application.test(.live) { client in
                let created = try await Self.call(
                    client, setup.admin, .post, "/v2/keys", #"{"name":"metered","scopes":"read-only","usage":{"remaining":3}}"#)
                #expect(created.status == .created)
                let (id, key) = try Self.createdKey(created)
                setup.issued.add(key)
                #expect((try Self.json(created)["usage"] as? [String: Any])?["remaining"] as? Int == 3)
                for left in [2, 1, 0] {
                    let answer = try await Self.call(client, key)
                    #expect(answer.status == .ok)
                    #expect(answer.headers[.usageRemaining] == String(left))
                }
                let spent = try await Self.call(client, key)
                #expect(spent.status == .tooManyRequests)
                #expect(try Self.errorCode(spent) == "usage_exceeded")
                #expect(spent.headers[.usageRemaining] == "0")
                #expect(spent.headers[.retryAfter] == nil, "no refill: no time to come back at")
                // The admin sets it again, with a daily refill of 2.
                let reset = try await Self.call(
                    client, setup.admin, .post, "/v2/keys/\(id)", #"{"usage":{"remaining":1,"refill":{"amount":2,"period":"day"}}}"#)
                #expect(reset.status == .ok)
                #expect((try Self.json(reset)["usage"] as? [String: Any])?["remaining"] as? Int == 1)
                #expect(try await Self.call(client, key).status == .ok)
                let untilMidnight = try await Self.call(client, key)
                #expect(try Self.errorCode(untilMidnight) == "usage_exceeded")
                #expect(untilMidnight.headers[.retryAfter] == String(12 * 3_600))
                // The next UTC day: set back to 2, not added to what was left.
                time.advance(milliseconds: 12 * 3_600_000)
                #expect(try await Self.call(client, key).headers[.usageRemaining] == "1")
                #expect(try await Self.call(client, key).headers[.usageRemaining] == "0")
                #expect(try await Self.call(client, key).status == .tooManyRequests)
                let shown = try Self.json(try await Self.call(client, setup.admin, .get, "/v2/keys/\(id)"))
                #expect((shown["usage"] as? [String: Any])?["remaining"] as? Int == 0)
                // Unlimited again.
                #expect(try await Self.call(client, setup.admin, .post, "/v2/keys/\(id)", #"{"usage":{"unlimited":true}}"#).status == .ok)
                let free = try await Self.call(client, key)
                #expect(free.status == .ok)
                #expect(free.headers[.usageRemaining] == nil)
                let audit = String(buffer: try await Self.call(client, setup.admin, .get, "/v2/audit").body)
                #expect(audit.contains("limits_changed") && audit.contains("refill=2"))
            }
        }
    }

    /// Two nodes on one database, 40 requests at once against a key with 10 credits: exactly 10 pass.
    @Test(arguments: TestEngine.available)
    func creditsAreExactAcrossNodes(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            let (key, text) = try await setup.createKey(
                {
                    var new = KeyService.NewKey(name: "shared", scopes: .readOnly)
                    (new.ratePerSecond, new.burst) = (1_000, 1_000)
                    new.usage = try UsageLimit(remaining: 10, refill: nil)
                    return new
                }(), accountID: setup.user.accountID, by: .init(name: "t"))
            let other = try await buildApplication(
                configuration: try testConfiguration(database: setup.location), database: setup.database, logger: testLogger)
            try await setup.server.application.test(.live) { clientA in
                try await other.application.test(.live) { clientB in
                    let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                        for index in 0..<40 {
                            group.addTask {
                                index % 2 == 0 ? try await Self.call(clientA, text).status : try await Self.call(clientB, text).status
                            }
                        }
                        return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                    }
                    #expect(statuses.filter { $0 == .ok }.count == 10)
                    #expect(statuses.filter { $0 == .tooManyRequests }.count == 30)
                }
            }
            let left = try await setup.database.read { db in
                try await db.select().column("remaining").from("key_credits").where("key_id", .equal, key.id)
                    .first(decodingColumn: "remaining", as: Int64.self)
            }
            #expect(left == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func everyNamedLimitHoldsAndTheTightestIsReported(_ engine: TestEngine) async throws {
        let time = MovingWallClock(startingAt: 1_796_644_800_000)
        try await Self.withSetup(engine, clock: time.clock) { setup in
            try await setup.server.application.test(.live) { client in
                let body =
                    #"{"name":"capped","scopes":"read-only","limits":[{"name":"minute","requests":5,"seconds":60},{"name":"daily","requests":1000,"seconds":86400}]}"#
                let created = try await Self.call(client, setup.admin, .post, "/v2/keys", body)
                #expect(created.status == .created)
                let (_, key) = try Self.createdKey(created)
                setup.issued.add(key)
                let limits = try #require(try Self.json(created)["limits"] as? [[String: Any]])
                #expect(limits.map { $0["name"] as? String } == ["minute", "daily"])
                for left in 0..<5 {
                    let answer = try await Self.call(client, key)
                    #expect(answer.status == .ok)
                    #expect(answer.headers[.rateLimitPolicy] == "minute")
                    #expect(answer.headers[.rateLimitLimit] == "5")
                    #expect(answer.headers[.rateLimitRemaining] == String(4 - left))
                }
                let refused = try await Self.call(client, key)
                #expect(refused.status == .tooManyRequests)
                #expect(try Self.errorCode(refused) == "rate_limited")
                #expect(refused.headers[.rateLimitPolicy] == "minute")
                #expect(refused.headers[.retryAfter] == "12", "a token of 5 a minute comes back in 12 s")
                #expect(String(buffer: refused.body).contains("\\\"minute\\\""))
                // Twelve seconds later one more, then refused again.
                time.advance(milliseconds: 12_000)
                #expect(try await Self.call(client, key).status == .ok)
                #expect(try await Self.call(client, key).status == .tooManyRequests)
                // A key without named limits reports its per-second bucket and no policy.
                let plain = try await Self.call(client, setup.admin)
                #expect(plain.headers[.rateLimitPolicy] == nil)
                #expect(plain.headers[.rateLimitLimit] == String(APIKey.defaultBurst))
                // Bad limits are a 400 naming the field.
                for bad in [
                    #"[{"name":"Bad Name","requests":5,"seconds":60}]"#, #"[{"name":"a","requests":0,"seconds":60}]"#,
                    #"[{"name":"a","requests":5,"seconds":60},{"name":"a","requests":6,"seconds":60}]"#,
                ] {
                    let answer = try await Self.call(client, setup.admin, .post, "/v2/keys", #"{"name":"x","scopes":"read-only","limits":\#(bad)}"#)
                    #expect(answer.status == .badRequest)
                    #expect(try Self.errorCode(answer) == "limit_invalid")
                }
                for bad in [#"{}"#, #"{"refill":{"amount":5,"period":"week"}}"#, #"{"remaining":-1}"#, #"{"unlimited":true}"#] {
                    let answer = try await Self.call(client, setup.admin, .post, "/v2/keys", #"{"name":"x","scopes":"read-only","usage":\#(bad)}"#)
                    #expect(answer.status == .badRequest, "\(bad)")
                    #expect(try Self.errorCode(answer) == "usage_invalid", "\(bad)")
                }
            }
        }
    }

    /// The attack: a key limited to 100 a day, or to 10 credits, with `keys:write`, tries to mint keys that can do more.
    @Test(arguments: TestEngine.available)
    func aLimitedKeyCannotMintAKeyThatDoesMore(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            var capped = KeyService.NewKey(name: "capped", scopes: .admin)
            capped.limits = [try KeyLimit(name: "daily", requests: 100, seconds: 86_400)]
            let (_, cappedText) = try await setup.createKey(capped, accountID: setup.user.accountID, by: .init(name: "t"))
            var metered = KeyService.NewKey(name: "metered", scopes: .admin)
            metered.usage = try UsageLimit(remaining: 10, refill: nil)
            let (meteredKey, meteredText) = try await setup.createKey(metered, accountID: setup.user.accountID, by: .init(name: "t"))
            try await setup.server.application.test(.live) { client in
                func create(_ by: String, _ extra: String) async throws -> TestResponse {
                    let answer = try await Self.call(client, by, .post, "/v2/keys", #"{"name":"child","scopes":"read-only"\#(extra)}"#)
                    if answer.status == .created { setup.issued.add(try Self.createdKey(answer).key) }
                    return answer
                }
                // Named limits: inherited when none are asked, refused when looser, granted when tighter.
                let inherited = try await create(cappedText, "")
                #expect(inherited.status == .created)
                #expect((try Self.json(inherited)["limits"] as? [[String: Any]])?.first?["requests"] as? Int == 100)
                let looser = try await create(cappedText, #","limits":[{"name":"daily","requests":1000,"seconds":86400}]"#)
                #expect(looser.status == .forbidden)
                #expect(try Self.errorCode(looser) == "limits_exceed_own")
                let slower = try await create(cappedText, #","limits":[{"name":"weekly","requests":100,"seconds":604800}]"#)
                #expect(slower.status == .created)
                // Lifting a sibling's limit is managing a key it does not cover after the change.
                let sibling = try Self.createdKey(inherited).id
                let lifted = try await Self.call(client, cappedText, .post, "/v2/keys/\(sibling)", #"{"limits":[]}"#)
                #expect(try Self.errorCode(lifted) == "limits_exceed_own")

                // Credits: given out of its own, never made.
                let given = try await create(meteredText, #","usage":{"remaining":4}"#)
                #expect(given.status == .created)
                #expect((try Self.json(given)["usage"] as? [String: Any])?["remaining"] as? Int == 4)
                for (extra, why) in [
                    (#","usage":{"remaining":100}"#, "more than it has"), ("", "an unlimited key"),
                    (#","usage":{"remaining":1,"refill":{"amount":1,"period":"day"}}"#, "a key that refills"),
                ] {
                    let answer = try await create(meteredText, extra)
                    #expect(answer.status == .forbidden, "\(why)")
                    #expect(try Self.errorCode(answer) == "usage_exceeds_own", "\(why)")
                }
                let ownReset = try await Self.call(client, meteredText, .post, "/v2/keys/\(meteredKey.publicID)", #"{"usage":{"remaining":1000000}}"#)
                #expect(try Self.errorCode(ownReset) == "usage_exceeds_own")
                // 10 credits: 4 given away, and each of its 5 requests above spent one (the refused ones too: they passed
                // its limits and reached the route).
                let left = try await setup.database.read { db in
                    try await db.select().column("remaining").from("key_credits").where("key_id", .equal, meteredKey.id)
                        .first(decodingColumn: "remaining", as: Int64.self)
                }
                #expect(left == 1)
                let audit = String(buffer: try await Self.call(client, setup.admin, .get, "/v2/audit").body)
                #expect(audit.contains("code=usage_exceeds_own") && audit.contains("code=limits_exceed_own"))
            }
        }
    }
}
