import Configuration
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Over real sockets: the hit's address comes from the connection, and proxies are believed only when trusted.
@Suite struct LiveTrackingTests {
    @Test(arguments: TestEngine.available)
    func addressesUniquenessAndMaskingFromRealConnections(_ engine: TestEngine) async throws {
        try await withTestServer(engine, ["port": .int(0), "trustedProxies": .string("127.0.0.1/32")]) { server, database in
            try await server.link("https://example.com/plain", name: "plain")
            try await server.link("https://example.com/masked", name: "masked", encodeIP: true)
            try await server.application.test(.live) { client in
                func get(
                    _ path: String, from address: String?, agent: String = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
                ) async throws {
                    var headers: HTTPFields = [.userAgent: agent, .referer: "https://news.example/item", .acceptLanguage: "it-IT,it;q=0.9"]
                    if let address { headers[HTTPField.Name("X-Forwarded-For")!] = address }
                    try await client.execute(uri: path, method: .get, headers: headers) { #expect($0.status == .found) }
                }
                try await get("/plain", from: nil)
                try await get("/plain", from: "198.51.100.7")
                try await get("/plain", from: "198.51.100.7")
                try await get("/plain", from: "198.51.100.8", agent: "Googlebot/2.1")
                try await get("/masked", from: "198.51.100.77")
                try await get("/masked", from: "2001:db8:1:2:3:4:5:6")
            }
            let rows = try await database.read { db in
                try await db.raw("SELECT ip, is_unique, is_spider, referrer, accept_language FROM hits ORDER BY id").all()
            }
            let ips = try rows.map { try $0.decode(column: "ip", as: String.self) }
            #expect(ips == ["127.0.0.1", "198.51.100.7", "198.51.100.7", "198.51.100.8", "198.51.100.0", "2001:db8:1::"])
            #expect(try rows.map { try $0.decode(column: "is_unique", as: Bool.self) } == [true, true, false, false, true, true])
            #expect(try rows.map { try $0.decode(column: "is_spider", as: Bool.self) } == [false, false, false, true, false, false])
            #expect(try rows[0].decode(column: "referrer", as: String.self) == "https://news.example/item")
            #expect(try rows[0].decode(column: "accept_language", as: String.self) == "it-IT,it;q=0.9")
        }
    }

    @Test(arguments: TestEngine.available)
    func untrustedPeersCannotSpoofTheirAddress(_ engine: TestEngine) async throws {
        try await withTestServer(engine, ["port": .int(0)]) { server, database in
            try await server.link("https://example.com", name: "abc")
            try await server.application.test(.live) { client in
                try await client.execute(uri: "/abc", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "6.6.6.6"]) {
                    #expect($0.status == .found)
                }
            }
            #expect(try await database.count("hits", where: "ip = '127.0.0.1'") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func durableModeCommitsBeforeAnswering(_ engine: TestEngine) async throws {
        try await withTestServer(engine, ["port": .int(0), "durable": .bool(true)]) { server, database in
            try await server.link("https://example.com", name: "abc")
            try await server.application.test(.live) { client in
                for expected in 1...5 {
                    try await client.execute(uri: "/abc", method: .get) { #expect($0.status == .found) }
                    // No shutdown, no waiting: the answer itself means the hit is in the database.
                    #expect(try await database.count("hits") == expected)
                }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func shutdownDrainsEveryAnsweredHit(_ engine: TestEngine) async throws {
        // A tiny buffer and batches force back-pressure and many commits while requests keep coming.
        try await withTestServer(engine, ["port": .int(0), "hitBufferSize": .int(4), "hitBatchSize": .int(3)]) { server, database in
            try await server.link("https://example.com", name: "abc")
            let answered = try await server.application.test(.live) { client in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            var count = 0
                            for _ in 0..<25 {
                                try await client.execute(uri: "/abc", method: .get) { if $0.status == .found { count += 1 } }
                            }
                            return count
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            #expect(answered == 200)
            #expect(try await database.count("hits") == answered)
        }
    }
}
