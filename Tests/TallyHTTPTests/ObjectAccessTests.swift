import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Object-level authorization (OWASP API1, issue 13 §4): a guest, a group-limited key and another account's key ask
/// for hits, clickstream rows and tag members through every route that returns them; no answer may hold a hit or an
/// id of a datapoint they were not given, and account-wide tags cannot be renamed or deleted by a limited key.
@Suite struct ObjectAccessTests {
    typealias Stats = StatsAPITests

    /// Whether a body names datapoint `id`: as a hit's `datapointId`, in a tag's member list, or as an entity URI.
    static func names(_ id: Int, in text: String) -> Bool {
        let patterns = [
            #""datapointId":\#(id)[,}]"#, #"datapoints/\#(id)""#, #""datapoints":\[([0-9]+,)*\#(id)[,\]]"#,
            #"^\#(id),|\n[0-9]+,[0-9]+,[a-z]+,\#(id),"#,
        ]
        return patterns.contains { text.range(of: $0, options: .regularExpression) != nil }
    }

    @Test(arguments: TestEngine.available)
    func conversionHitsClickstreamAndTagsShowOnlyWhatTheCallerMayRead(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let accountID = setup.server.defaults.accountID
            try await setup.server.application.test(.live) { client in
                var json = setup.key
                json[.contentType] = "application/json"
                func call(_ uri: String, _ method: HTTPRequest.Method = .get, _ headers: HTTPFields, _ body: String? = nil) async throws
                    -> TestResponse
                {
                    var headers = headers
                    headers[.contentType] = "application/json"
                    headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
                    return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
                }
                let group = try #require(Stats.int(try Stats.json(try await call("/v2/groups", .post, json, #"{"name":"north"}"#)), "id"))
                func link(_ name: String, group: Int? = nil) async throws -> Int {
                    let body =
                        #"{"type":0,"name":"\#(name)","typeTL":{"url":"https://shop.example/\#(name)"}"# + (group.map { #","groupId":\#($0)"# } ?? "")
                        + "}"
                    return try #require(Stats.int(try Stats.json(try await call("/v2/datapoints", .post, json, body)), "id"))
                }
                let shared = try await link("shared", group: group)
                let secret = try await link("secretlink")
                // One goal over both links; a click and a sale on each (the click's cookie credits it).
                let goal = try #require(Stats.int(try Stats.json(try await call("/v2/conversions", .post, json, #"{"name":"Sale"}"#)), "id"))
                for id in [shared, secret] {
                    _ = try await call("/v2/conversions/\(goal)/datapoints/patch", .put, json, #"{"action":"add","id":\#(id)}"#)
                }
                for name in ["shared", "secretlink"] {
                    let click = try await client.execute(uri: "/\(name)?from=\(name)", method: .get, headers: [.userAgent: Stats.chrome])
                    let cookie = try #require(click.headers[values: .setCookie].first { $0.hasPrefix("ct_lc=") })
                    setup.clock.advance(minutes: 1)
                    _ = try await client.execute(
                        uri: "/cv/\(goal).gif?val=5", method: .get, headers: [.cookie: String(cookie.prefix { $0 != ";" }), .userAgent: Stats.chrome])
                }
                let tag = try #require(
                    Stats.int(
                        try Stats.json(try await call("/v2/tags", .post, json, #"{"name":"launch","datapoints":[\#(shared),\#(secret)]}"#)), "id"))

                // The actors: a key limited to the group, a guest given the shared link, a guest given everything,
                // another account's key.
                var north = KeyService.NewKey(name: "north", scopes: .readWrite)
                north.groupIDs = [Int64(group)]
                let (_, northKey) = try await setup.server.keys.create(north, accountID: accountID, by: .init(name: "t"))
                let invited = try Stats.json(
                    try await call("/v2/account/guests", .post, json, #"{"name":"Agency","email":"a@example.com","userName":"agency"}"#))
                let guestID = try #require(Stats.int(invited, "id"))
                let guestKey = try #require(invited["apiKey"] as? String)
                _ = try await call(
                    "/v2/account/guests/\(guestID)/datapoint/permissions/patch", .post, json, #"{"action":"add","id":\#(shared),"verb":"w"}"#)
                let wide = try Stats.json(
                    try await call(
                        "/v2/account/guests", .post, json,
                        #"{"name":"All","email":"b@example.com","userName":"all","extendedGrants":{"allowAllGrants":true}}"#))
                let wideKey = try #require(wide["apiKey"] as? String)
                let other = try await AccountService(database: setup.database, bcryptCost: 4).createUser(
                    email: "other@example.com", password: "another long password", now: 1)
                let (_, otherKey) = try await setup.server.keys.create(
                    .init(name: "o", scopes: .admin), accountID: other.accountID, by: .init(name: "t"))
                func as_(_ key: String) -> HTTPFields { [HTTPField.Name("X-Clickmeter-Authkey")!: key] }

                let reads = [
                    "/v2/conversions/\(goal)/hits?timeframe=today", "/v2/clickstream?conversion=\(goal)", "/v2/clickstream",
                    "/v2/hits?timeframe=today", "/v2/tags/\(tag)", "/v2/tags?_expand=true", "/v2/tags/\(tag)/datapoints",
                    "/v2/tags/\(tag)/datapoints/count", "/v2/tags?datapoints=\(secret)&_expand=true",
                    "/v2/conversions/\(goal)/hits?timeframe=today&format=csv",
                ]
                // The owner sees both; the limited callers see the shared link's hit and never the secret one's.
                let owner = try await call("/v2/conversions/\(goal)/hits?timeframe=today", .get, json)
                #expect(owner.text.contains("from=secretlink") && owner.text.contains("from=shared"))
                for (who, key) in [("group-limited", northKey), ("guest r/w", guestKey)] {
                    for path in reads {
                        let response = try await call(path, .get, as_(key))
                        #expect(response.status == .ok, "\(who) \(path)")
                        #expect(!response.text.contains("secretlink"), "\(who) \(path) shows the unshared link or its hit")
                        #expect(!Self.names(secret, in: response.text), "\(who) \(path) shows the unshared id \(secret)")
                    }
                    let conversionHits = try await call("/v2/conversions/\(goal)/hits?timeframe=today", .get, as_(key))
                    #expect(conversionHits.text.contains("from=shared"), "\(who) still sees what was shared")
                    let count = try Stats.json(try await call("/v2/tags/\(tag)/datapoints/count", .get, as_(key)))
                    #expect(Stats.int(count, "count") == 1, "\(who)")
                }
                // A guest given everything reads everything, like the owner.
                #expect(try await call("/v2/conversions/\(goal)/hits?timeframe=today", .get, as_(wideKey)).text.contains("from=secretlink"))
                // Another account's key: not found, nothing shown.
                for path in ["/v2/conversions/\(goal)/hits?timeframe=today", "/v2/clickstream?conversion=\(goal)", "/v2/tags/\(tag)"] {
                    let response = try await call(path, .get, as_(otherKey))
                    #expect(response.status == .notFound, "other account \(path)")
                    #expect(!response.text.contains("shared") && !response.text.contains("secretlink"))
                }
                // Account-wide tags: a limited key can neither rename nor delete them.
                for (who, key) in [("group-limited", northKey), ("guest r/w", guestKey)] {
                    let rename = try await call("/v2/tags/\(tag)/name", .put, as_(key), #"{"text":"pwned"}"#)
                    #expect(rename.status == .forbidden, "\(who)")
                    let delete = try await call("/v2/tags/\(tag)", .delete, as_(key))
                    #expect(delete.status == .forbidden, "\(who)")
                }
                #expect(try Stats.json(try await call("/v2/tags/\(tag)", .get, json))["name"] as? String == "launch")
            }
        }
    }
}
