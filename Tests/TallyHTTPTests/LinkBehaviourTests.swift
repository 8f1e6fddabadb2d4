import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Rotators, dynamic destination, frame, referrer cleaning and retargeting — each created through the API and
/// checked through the real redirect endpoint.
@Suite struct LinkBehaviourTests {
    static func create(_ client: some TestClientProtocol, _ key: HTTPFields, _ json: String) async throws -> Int {
        let response = try await client.execute(uri: "/v2/datapoints", method: .post, headers: key, body: ByteBuffer(string: json))
        #expect(response.status == .ok, "\(response.text)")
        return try #require(try response.json()["id"] as? Int)
    }

    static func locations(_ client: some TestClientProtocol, _ path: String, _ times: Int) async throws -> [String] {
        var seen: [String] = []
        for _ in 0..<times {
            let response = try await client.execute(uri: path, method: .get, headers: browser)
            seen.append(response.headers[.location] ?? "status \(response.status.code)")
        }
        return seen
    }

    @Test(arguments: TestEngine.available)
    func sequentialRotatorsGoRoundInOrderAndAreNeverPermanent(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, _ in
            try await server.application.test(.live) { client in
                let id = try await Self.create(
                    client, key,
                    #"{"type":0,"name":"seq","typeTL":{"destinationMode":"SequentialDestination","redirectType":301,"sequentialDestinationItems":[{"url":"https://a.example/"},{"url":"https://b.example/"},{"url":"https://c.example/"}]}}"#
                )
                let seen = try await Self.locations(client, "/seq", 9)
                #expect(seen == Array(repeating: ["https://a.example/", "https://b.example/", "https://c.example/"], count: 3).flatMap { $0 })
                let response = try await client.execute(uri: "/seq?utm=1", method: .get, headers: browser)
                // A rotator answers differently each time: a 301 would be cached by the browser, so it becomes 307.
                #expect(response.status == .temporaryRedirect && response.headers[.location] == "https://a.example/?utm=1")
                let read = try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: key).json()
                let link = try #require(read["typeTL"] as? [String: Any])
                #expect(link["destinationMode"] as? Int == 8 && link["isABTest"] as? Bool == true && link["redirectType"] as? Int == 307)
                #expect((link["sequentialDestinationItems"] as? [[String: Any]])?.compactMap { $0["url"] as? String }.count == 3)
                #expect(link["url"] as? String == "https://a.example/")
            }
            #expect(try await database.count("hits") == 10)
        }
    }

    @Test(arguments: TestEngine.available)
    func weightedRotatorsSplitExactlyByWeight(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, _, key, _ in
            try await server.application.test(.live) { client in
                _ = try await Self.create(
                    client, key,
                    #"{"type":0,"name":"w","typeTL":{"url":"https://main.example/","destinationMode":9,"weightedDestinationItems":[{"url":"https://seventy.example/","weight":70},{"url":"https://thirty.example/","weight":"30"}]}}"#
                )
                let seen = try await Self.locations(client, "/w", 200)
                #expect(seen.filter { $0 == "https://seventy.example/" }.count == 140)
                #expect(seen.filter { $0 == "https://thirty.example/" }.count == 60)
                // Smooth: never more than three 70s in a row, so a short burst still sees both.
                #expect(!seen.joined(separator: " ").contains(Array(repeating: "https://seventy.example/", count: 4).joined(separator: " ")))
            }
        }
    }

    @Test func randomRotatorsSpreadVisitsOverEveryDestination() async throws {
        try await DatapointsAPITests.withAPI(.sqlite) { server, _, key, _ in
            try await server.application.test(.live) { client in
                _ = try await Self.create(
                    client, key,
                    #"{"type":0,"name":"r","typeTL":{"destinationMode":1,"randomDestinationItems":[{"url":"https://1.example/"},{"url":"https://2.example/"},{"url":"https://3.example/"}]}}"#
                )
                let seen = try await Self.locations(client, "/r", 300)
                for url in ["https://1.example/", "https://2.example/", "https://3.example/"] {
                    // Expected 100 each; outside 55–145 has a probability below 10⁻⁶.
                    #expect((55...145).contains(seen.filter { $0 == url }.count), "\(url)")
                }
                #expect(Set(seen).count == 3)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func spilloverMovesEachVisitorOnWithTheirOwnCookie(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, _, key, _ in
            try await server.application.test(.live) { client in
                let id = try await Self.create(
                    client, key,
                    #"{"type":0,"name":"spill","typeTL":{"destinationMode":3,"spilloverDestinationItems":[{"url":"https://first.example/"},{"url":"https://second.example/"},{"url":"https://third.example/"}]}}"#
                )
                var cookie: String?
                var seen: [String] = []
                for _ in 0..<5 {
                    var headers = browser
                    if let cookie { headers[.cookie] = cookie }
                    let response = try await client.execute(uri: "/spill", method: .get, headers: headers)
                    seen.append(response.headers[.location] ?? "")
                    let set = try #require(response.headers[.setCookie])
                    #expect(set.contains("Path=/spill") && set.contains("HttpOnly") && set.contains("SameSite=Lax"))
                    cookie = String(set.prefix { $0 != ";" })
                }
                #expect(
                    seen == [
                        "https://first.example/", "https://second.example/", "https://third.example/", "https://third.example/",
                        "https://third.example/",
                    ])
                #expect(cookie == "ct_sp\(id)=3")
                // A new visitor starts at the first destination, whatever the others did.
                let fresh = try await client.execute(uri: "/spill", method: .get, headers: browser)
                #expect(fresh.headers[.location] == "https://first.example/")
                // HEAD (previews) answers without moving the visitor on.
                var headers = browser
                headers[.cookie] = "other=1; ct_sp\(id)=1"
                let head = try await client.execute(uri: "/spill", method: .head, headers: headers)
                #expect(head.headers[.location] == "https://second.example/" && head.headers[.setCookie] == nil)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func dynamicDestinationsGoOnlyToWhitelistedDomainsMatchedExactly(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                let id = try await Self.create(
                    client, key, #"{"type":0,"name":"ddu","typeTL":{"url":"https://main.example/home","destinationMode":"DynamicUrl"}}"#)
                let listed = try await client.execute(
                    uri: "/v2/account/domainwhitelist", method: .post, headers: key, body: ByteBuffer(string: #"{"name":"partner.example"}"#))
                #expect(listed.status == .ok)
                // Another account's whitelist counts for nothing here.
                _ = try await client.execute(
                    uri: "/v2/account/domainwhitelist", method: .post, headers: otherKey, body: ByteBuffer(string: #"{"name":"evil.example"}"#))
                let cases: [(String, String)] = [
                    ("/ddu?ddu=partner.example/pricing%3Fplan%3D2&utm=x", "http://partner.example/pricing?plan=2&utm=x"),
                    ("/ddu?ddu=https://partner.example/a", "https://partner.example/a"),
                    ("/ddu?DDU=partner.example", "http://partner.example"),
                    ("/ddu?ddu=www.partner.example/a", "https://main.example/home"),
                    ("/ddu?ddu=evil.example/x&utm=y", "https://main.example/home?utm=y"),
                    ("/ddu?ddu=javascript:alert(1)", "https://main.example/home"),
                    ("/ddu?ddu=ftp://partner.example/f", "https://main.example/home"),
                    ("/ddu?ddu=127.0.0.1:8080/ddu", "https://main.example/home"),
                    ("/ddu", "https://main.example/home"),
                ]
                for (path, expected) in cases {
                    let response = try await client.execute(uri: path, method: .get, headers: browser)
                    #expect(response.status == .found, "\(path)")
                    #expect(response.headers[.location] == expected, "\(path)")
                }
                let read = try await client.execute(uri: "/v2/datapoints/\(id)", method: .get, headers: key).json()
                #expect((read["typeTL"] as? [String: Any])?["destinationMode"] as? Int == 4)
            }
            // Every click counts on the link itself, wherever it went.
            #expect(try await database.count("hits") == 9)
        }
    }

    @Test(arguments: TestEngine.available)
    func hiddenURLsAndCleanReferrersAreServedAsPages(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, _ in
            try await server.application.test(.live) { client in
                _ = try await Self.create(
                    client, key,
                    #"{"type":0,"name":"framed","typeTL":{"url":"https://dest.example/a?b=1&c=2","hideUrl":true,"hideUrlTitle":"Tom & <Jerry>"}}"#)
                let framed = try await client.execute(uri: "/framed", method: .get, headers: browser)
                #expect(framed.status == .ok && framed.headers[.contentType] == "text/html; charset=utf-8")
                #expect(framed.headers[.cacheControl] == "private, no-store")
                #expect(framed.text.contains("<title>Tom &amp; &lt;Jerry&gt;</title>"))
                #expect(framed.text.contains(#"<iframe src="https://dest.example/a?b=1&amp;c=2""#))

                _ = try await Self.create(client, key, #"{"type":0,"name":"clean","typeTL":{"url":"https://dest.example/","referrerClean":"Clean"}}"#)
                let clean = try await client.execute(uri: "/clean?x=1", method: .get, headers: browser)
                #expect(clean.status == .ok && clean.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(clean.text.contains(#"<meta name="referrer" content="no-referrer">"#))
                #expect(clean.text.contains(#"<meta http-equiv="refresh" content="0;url=https://dest.example/?x=1">"#))
                #expect(clean.text.contains(#"location.replace("https://dest.example/?x=1")"#))

                _ = try await Self.create(client, key, #"{"type":0,"name":"mine","typeTL":{"url":"https://dest.example/","referrerClean":2}}"#)
                let mine = try await client.execute(uri: "/mine", method: .get, headers: browser)
                #expect(mine.headers[HTTPField.Name("Referrer-Policy")!] == "origin")
            }
            #expect(try await database.count("hits") == 3)
        }
    }

    @Test(arguments: TestEngine.available)
    func unsupportedOrIncompleteOptionsAreRefusedWithTheProperty(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, _ in
            try await server.application.test(.live) { client in
                let cases: [(String, String, String)] = [
                    (#"{"typeTL":{"url":"https://a.example/","destinationMode":2}}"#, "TypeTL.DestinationMode", "mode_not_supported"),
                    (#"{"typeTL":{"url":"https://a.example/","destinationMode":42}}"#, "TypeTL.DestinationMode", "enum_invalid"),
                    (#"{"typeTL":{"destinationMode":8}}"#, "TypeTL.SequentialDestinationItems", "destinations_required"),
                    (
                        #"{"typeTL":{"destinationMode":8,"sequentialDestinationItems":[{"url":"https://a.example/"},{"url":"ftp://b.example/"}]}}"#,
                        "TypeTL.SequentialDestinationItems[1].Url", "destination_scheme"
                    ),
                    (
                        #"{"typeTL":{"destinationMode":9,"weightedDestinationItems":[{"url":"https://a.example/","weight":0}]}}"#,
                        "TypeTL.WeightedDestinationItems", "weight_invalid"
                    ),
                    // Found by Fuzz/FuzzWireObject.swift: this weight trapped in abs() and stopped the server.
                    (
                        #"{"typeTL":{"destinationMode":9,"weightedDestinationItems":[{"url":"https://a.example/","weight":-9223372036854775808}]}}"#,
                        "TypeTL.WeightedDestinationItems[0].Weight", "type_invalid"
                    ),
                    (#"{"typeTL":{"url":"https://a.example/","scripts":[{"id":999}]}}"#, "TypeTL.Scripts[0].Id", "script_unknown"),
                    (#"{"typeTL":{"url":"https://a.example/","referrerClean":"sometimes"}}"#, "TypeTL.ReferrerClean", "enum_invalid"),
                ]
                for (json, property, code) in cases {
                    let response = try await client.execute(uri: "/v2/datapoints", method: .post, headers: key, body: ByteBuffer(string: json))
                    #expect(response.status == .badRequest, "\(json)")
                    let error = try DatapointsAPITests.firstError(response)
                    #expect(error["property"] as? String == property, "\(json)")
                    #expect(error["code"] as? String == code, "\(json)")
                }
                #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            }
            #expect(try await database.count("datapoints") == 0)
        }
    }
}
