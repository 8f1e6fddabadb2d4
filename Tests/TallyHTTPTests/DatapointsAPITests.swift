import Configuration
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

/// `/v2/datapoints` as a ClickMeter client uses it, through real HTTP, on both engines.
@Suite struct DatapointsAPITests {
    static func withAPI(_ engine: TestEngine, _ body: @Sendable (TallyServer, any TallyDatabase, HTTPFields, HTTPFields) async throws -> Void)
        async throws
    {
        try await withTestServer(engine) { server, database in
            let accounts = AccountService(database: database, bcryptCost: 4)
            let user = try await accounts.createUser(email: "dp@example.com", password: "long enough pass", now: 1)
            let other = try await accounts.createUser(email: "dp2@example.com", password: "long enough pass", now: 1)
            // These suites make many requests in a moment: generous limits (the limiter has its own tests).
            var generous = KeyService.NewKey(name: "k", scopes: .readWrite)
            generous.ratePerSecond = 10_000
            generous.burst = 100_000
            let (_, key) = try await server.keys.create(generous, accountID: user.accountID, by: .init(name: "t"))
            let (_, otherKey) = try await server.keys.create(generous, accountID: other.accountID, by: .init(name: "t"))
            try await body(server, database, [HTTPField.Name("X-Clickmeter-Authkey")!: key], [HTTPField.Name("X-Clickmeter-Authkey")!: otherKey])
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }

    static func firstError(_ response: TestResponse) throws -> [String: Any] {
        (try json(response)["errors"] as? [[String: Any]])?.first ?? [:]
    }

    @Test(arguments: TestEngine.available)
    func aClickMeterClientCreatesListsReadsUpdatesAndDeletesLinks(_ engine: TestEngine) async throws {
        try await Self.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                // Lenient input: "TL", member names in other cases, numbers and booleans as strings.
                let created = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: key,
                    body: ByteBuffer(
                        string:
                            #"{"Type":"TL","name":"promo","Title":"Promo","preferred":"true","typeTL":{"URL":"https://example.com/p","redirectType":"301"}}"#
                    ))
                #expect(created.status == .ok)
                let uri = try Self.json(created)
                let id = try #require(uri["id"] as? Int)
                #expect(uri["uri"] as? String == "/datapoints/\(id)")

                let read = try Self.json(try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: key))
                #expect(read["name"] as? String == "promo" && read["title"] as? String == "Promo")
                #expect(read["type"] as? Int == 0 && read["status"] as? Int == 0 && read["preferred"] as? Bool == true)
                #expect(read["trackingCode"] as? String == "http://127.0.0.1:8080/promo")
                #expect((read["creationDate"] as? String)?.count == 14)
                let link = try #require(read["typeTL"] as? [String: Any])
                #expect(link["url"] as? String == "https://example.com/p" && link["redirectType"] as? Int == 301)
                // The tracking code works.
                let redirect = try await client.execute(uri: "/promo", method: .get)
                #expect(redirect.status == .movedPermanently && redirect.headers[.location] == "https://example.com/p")

                // A pixel without a name gets one.
                let pixel = try Self.json(
                    try await client.execute(
                        uri: "/v2/datapoints", method: .post, headers: key, body: ByteBuffer(string: #"{"type":1,"title":"px"}"#)))
                let pixelID = try #require(pixel["id"] as? Int)

                let list = try Self.json(try await client.execute(uri: "/v2/datapoints?type=TL&Status=active", method: .get, headers: key))
                #expect((list["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id])
                let expanded = try Self.json(
                    try await client.execute(uri: "/v2/datapoints?_expand=true&sortBy=name&sortDirection=desc", method: .get, headers: key))
                #expect((expanded["entities"] as? [[String: Any]])?.count == 2)
                #expect(try Self.json(try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: key))["count"] as? Int == 2)
                #expect(
                    try Self.json(try await client.execute(uri: "/v2/datapoints/count?type=tp", method: .get, headers: key))["count"] as? Int == 1)
                let pastTheEnd = try Self.json(try await client.execute(uri: "/v2/datapoints?offset=100&limit=100", method: .get, headers: key))
                #expect((pastTheEnd["entities"] as? [Any])?.isEmpty == true)
                let searched = try Self.json(try await client.execute(uri: "/v2/datapoints?textSearch=pro*", method: .get, headers: key))
                #expect((searched["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [id])

                // Update: title, destination, redirect type.
                let updated = try await client.execute(
                    uri: "/v2/datapoints/\(id)", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"title":"Promo 2","typeTL":{"url":"https://example.com/q","redirectType":307}}"#))
                #expect(try Self.json(updated)["id"] as? Int == id)
                let moved = try await client.execute(uri: "/promo", method: .get)
                #expect(moved.status == .temporaryRedirect && moved.headers[.location] == "https://example.com/q")
                #expect(try await client.execute(uri: "/v2/datapoints/\(id)/favourite", method: .put, headers: key).status == .ok)
                #expect(
                    try Self.json(try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: key))["preferred"] as? Bool == false)
                _ = try await client.execute(
                    uri: "/v2/datapoints/\(id)/notes", method: .put, headers: key, body: ByteBuffer(string: #"{"Text":"hello"}"#))
                #expect(
                    try Self.json(try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: key))["notes"] as? String == "hello")

                // Another account sees nothing.
                #expect(try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: otherKey).status == .notFound)
                #expect(try await client.execute(uri: "/v2/datapoints/\(id)", method: .delete, headers: otherKey).status == .notFound)
                #expect(try Self.json(try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: otherKey))["count"] as? Int == 0)

                // Delete: soft, the link stops, the name is never reused.
                #expect(try await client.execute(uri: "/v2/datapoints/\(id)", method: .delete, headers: key).status == .ok)
                #expect(try Self.json(try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: key))["status"] as? Int == 3)
                #expect(try await client.execute(uri: "/promo", method: .get).status == .notFound)
                let reuse = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"type":0,"name":"promo","typeTL":{"url":"https://e.com"}}"#))
                #expect(reuse.status == .badRequest)
                #expect(try Self.firstError(reuse)["property"] as? String == "Name")
                _ = pixelID
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func badInputGetsA400NamingThePropertyAndWritesNothing(_ engine: TestEngine) async throws {
        try await Self.withAPI(engine) { server, database, key, _ in
            try await server.application.test(.live) { client in
                let cases: [(String, String)] = [
                    (#"{"type":0,"name":"x1","typeTL":{"url":"javascript:alert(1)"}}"#, "TypeTL.Url"),
                    (#"{"type":0,"name":"x2","typeTL":{"url":"ftp://example.com"}}"#, "TypeTL.Url"),
                    (#"{"type":0,"name":"x3"}"#, "TypeTL.Url"),
                    (#"{"type":"Banner","name":"x4","typeTL":{"url":"https://e.com"}}"#, "Type"),
                    (#"{"type":0,"name":"bad name","typeTL":{"url":"https://e.com"}}"#, "Name"),
                    (#"{"type":0,"name":"x5","encodeIp":"maybe","typeTL":{"url":"https://e.com"}}"#, "EncodeIp"),
                    (#"{"type":0,"name":"x6","typeTL":{"url":"https://e.com","redirectType":303}}"#, "TypeTL.RedirectType"),
                    (#"{"type":0,"name":"x7","groupId":"abc","typeTL":{"url":"https://e.com"}}"#, "GroupId"),
                    (#"["not an object"]"#, ""),
                ]
                for (body, property) in cases {
                    let response = try await client.execute(uri: "/v2/datapoints", method: .post, headers: key, body: ByteBuffer(string: body))
                    #expect(response.status == .badRequest, "\(body)")
                    #expect(try Self.firstError(response)["property"] as? String == property, "\(body)")
                    #expect(try Self.json(response)["errorCode"] as? Int == 400)
                }
                let oversized = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: key, body: ByteBuffer(string: String(repeating: " ", count: 300_000)))
                #expect(oversized.status == .contentTooLarge)
                for query in ["status=gone", "type=xx", "limit=0", "offset=-1", "createdAfter=2026", "sortDirection=up", "onlyFavorites=perhaps"] {
                    let response = try await client.execute(uri: "/v2/datapoints?\(query)", method: .get, headers: key)
                    #expect(response.status == .badRequest, "\(query)")
                }
                #expect(try await database.count("datapoints") == 0)
            }
        }
    }
}

@Suite struct WireRulesTests {
    @Test func preflightTrailingSlashesAndCORSHeaders() async throws {
        try await DatapointsAPITests.withAPI(.sqlite) { server, _, key, _ in
            try await server.application.test(.live) { client in
                let preflight = try await client.execute(
                    uri: "/v2/datapoints", method: .options,
                    headers: [.origin: "https://app.example.com", HTTPField.Name("Access-Control-Request-Headers")!: "x-clickmeter-authkey"])
                #expect(preflight.status == .noContent)
                #expect(preflight.headers[.accessControlAllowHeaders]?.contains("X-Clickmeter-AuthKey") == true)
                #expect(preflight.headers[.accessControlAllowOrigin] == "*")
                let slash = try await client.execute(uri: "/v2/datapoints/", method: .get, headers: key)
                #expect(slash.status == .ok)
                #expect(slash.headers[.accessControlAllowOrigin] == "*")
                #expect(slash.headers[.accessControlExposeHeaders]?.contains("X-Rate-Limit-Remaining") == true)
                let count = try await client.execute(uri: "/v2/datapoints/count/", method: .get, headers: key)
                #expect(count.status == .ok)
            }
        }
    }
}

@Suite struct DatapointBatchTests {
    /// One transaction for the valid items of a batch: each bad one fails alone (a name already taken, twice in the
    /// batch, a group of no one), the others are written, in order, unnamed ones named, favourites marked.
    @Test(arguments: TestEngine.available)
    func aBatchWritesItsValidItemsTogetherAndFailsEachBadOneAlone(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, _ in
            _ = try await server.link("https://e.com/taken", name: "taken")
            try await server.application.test(.live) { client in
                let body = """
                    {"list":[{"type":0,"name":"taken","typeTL":{"url":"https://e.com/1"}},{"type":0,"name":"x1","typeTL":{"url":"https://e.com/2"}},\
                    {"type":0,"name":"x1","typeTL":{"url":"https://e.com/3"}},{"type":0,"typeTL":{"url":"https://e.com/4"}},\
                    {"type":0,"name":"g1","groupId":424242,"typeTL":{"url":"https://e.com/5"}},\
                    {"type":1,"name":"px1","preferred":true},{"type":0,"name":"bad","typeTL":{"url":"ftp://e.com/6"}}]}
                    """
                let answer = try DatapointsAPITests.json(
                    try await client.execute(uri: "/v2/datapoints/batch", method: .put, headers: key, body: ByteBuffer(string: body)))
                let results = try #require(answer["results"] as? [[String: Any]])
                #expect(results.map { $0["status"] as? String } == ["Error", "OK", "Error", "OK", "Error", "OK", "Error"], "\(results)")
                let codes = results.map { (($0["errors"] as? [[String: Any]])?.first?["code"] as? String) ?? "" }
                #expect(codes[0] == "name_taken" && codes[2] == "name_taken" && codes[4] == "group_unknown" && !codes[6].isEmpty)
                #expect((results[3]["entityData"] as? [String: Any])?["name"] as? String != nil)
                #expect((results[5]["entityData"] as? [String: Any])?["preferred"] as? Bool == true)
                #expect(try await database.count("datapoints") == 4)  // "taken" (another account) and three new
                #expect(try await database.count("datapoints", where: "name = 'x1'") == 1)
                #expect(try await database.count("datapoints", where: "name = 'px1' AND is_favourite") == 1)
                // The counters saw every row written in the one transaction.
                let count = try DatapointsAPITests.json(try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: key))
                #expect(count["count"] as? Int == 3)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func batchesCreateUpdateAndDeleteItemByItem(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                let created = try DatapointsAPITests.json(
                    try await client.execute(
                        uri: "/v2/datapoints/batch", method: .put, headers: key,
                        body: ByteBuffer(
                            string:
                                #"{"List":[{"type":0,"name":"b1","typeTL":{"url":"https://e.com/1"}},{"type":0,"name":"b 2","typeTL":{"url":"https://e.com/2"}},{"type":0,"name":"b3","typeTL":{"url":"https://e.com/3"}}]}"#
                        )))
                let results = try #require(created["results"] as? [[String: Any]])
                #expect(results.map { $0["status"] as? String } == ["OK", "Error", "OK"])
                #expect((results[1]["errors"] as? [[String: Any]])?.first?["property"] as? String == "Name")
                #expect((results[0]["entityData"] as? [String: Any])?["name"] as? String == "b1")
                let ids = results.compactMap { ($0["result"] as? [String: Any])?["id"] as? Int }
                #expect(ids.count == 2)
                #expect(try await database.count("datapoints") == 2)

                let updated = try DatapointsAPITests.json(
                    try await client.execute(
                        uri: "/v2/datapoints/batch", method: .patch, headers: key,
                        body: ByteBuffer(string: "{\"list\":[{\"id\":\(ids[0]),\"title\":\"one\"},{\"id\":999999,\"title\":\"nobody\"}]}")))
                #expect((updated["results"] as? [[String: Any]])?.map { $0["status"] as? String } == ["OK", "Error"])
                #expect(
                    try DatapointsAPITests.json(try await client.execute(uri: "/v2/datapoints/\(ids[0])", method: .get, headers: key))["title"]
                        as? String == "one")

                // Another account's ids are errors in its batch, and untouched.
                let foreign = try DatapointsAPITests.json(
                    try await client.execute(
                        uri: "/v2/datapoints/batch", method: .delete, headers: otherKey,
                        body: ByteBuffer(string: "{\"entities\":[{\"id\":\(ids[0])}]}")))
                #expect((foreign["results"] as? [[String: Any]])?.first?["status"] as? String == "Error")
                let deleted = try DatapointsAPITests.json(
                    try await client.execute(
                        uri: "/v2/datapoints/batch", method: .delete, headers: key,
                        body: ByteBuffer(string: "{\"Entities\":[{\"id\":\(ids[0]),\"uri\":\"/datapoints/\(ids[0])\"},{\"id\":\(ids[1])}]}")))
                #expect((deleted["results"] as? [[String: Any]])?.map { $0["status"] as? String } == ["OK", "OK"])
                #expect(try await database.count("datapoints", where: "status = 3") == 2)
                let missing = try await client.execute(uri: "/v2/datapoints/batch", method: .put, headers: key, body: ByteBuffer(string: "{}"))
                #expect(missing.status == .badRequest)
            }
        }
    }
}
