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

@Suite struct DomainsAPITests {
    static func curlLocation(_ url: String, host: String) throws -> String {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "/dev/null", "-w", "%{redirect_url}", "-H", "Host: \(host)", url]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        curl.waitUntilExit()
        return String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    @Test(arguments: TestEngine.available)
    func anAccountsDomainServesItsOwnLinksByHost(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                let created = try await client.execute(
                    uri: "/v2/domains", method: .post, headers: key, body: ByteBuffer(string: #"{"name":"Go.Example.com","type":"dedicated"}"#))
                let domainID = try #require(try DatapointsAPITests.json(created)["id"] as? Int)
                let listed = try DatapointsAPITests.json(try await client.execute(uri: "/v2/domains?_expand=true", method: .get, headers: key))
                #expect((listed["entities"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["127.0.0.1:8080", "go.example.com"])
                #expect(
                    try DatapointsAPITests.json(try await client.execute(uri: "/v2/domains/count?type=dedicated", method: .get, headers: key))[
                        "count"] as? Int == 1)
                // The same name on two domains: two links, told apart by Host.
                let onDomain = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: key,
                    body: ByteBuffer(
                        string: "{\"type\":0,\"name\":\"sale\",\"typeTL\":{\"url\":\"https://shop.example.com/a\",\"domainId\":\(domainID)}}"))
                let linkID = try #require(try DatapointsAPITests.json(onDomain)["id"] as? Int)
                _ = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"type":0,"name":"sale","typeTL":{"url":"https://shop.example.com/b"}}"#))
                let read = try DatapointsAPITests.json(try await client.execute(uri: "/v2/datapoints/\(linkID)", method: .get, headers: key))
                #expect(read["trackingCode"] as? String == "https://go.example.com/sale")
                // The test client sets its own Host; curl sends exactly one, as browsers do.
                let port = try #require(client.port)
                #expect(try Self.curlLocation("http://127.0.0.1:\(port)/sale", host: "go.example.com") == "https://shop.example.com/a")
                #expect(try Self.curlLocation("http://127.0.0.1:\(port)/sale", host: "GO.EXAMPLE.COM") == "https://shop.example.com/a")
                #expect(try Self.curlLocation("http://127.0.0.1:\(port)/sale", host: "unknown.example.org") == "https://shop.example.com/b")
                let viaSystem = try await client.execute(uri: "/sale", method: .get)
                #expect(viaSystem.headers[.location] == "https://shop.example.com/b")
                // Another account can neither see nor use it; the system domain is the server's.
                #expect(try await client.execute(uri: "/v2/domains/\(domainID)", method: .get, headers: otherKey).status == .notFound)
                let borrow = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: otherKey,
                    body: ByteBuffer(string: "{\"type\":0,\"name\":\"x\",\"typeTL\":{\"url\":\"https://e.com\",\"domainId\":\(domainID)}}"))
                #expect(try DatapointsAPITests.firstError(borrow)["property"] as? String == "TypeTL.DomainId")
                let systemID = server.defaults.systemDomain.id
                #expect(try await client.execute(uri: "/v2/domains/\(systemID)", method: .delete, headers: key).status == .forbidden)
                // A domain with links stays; bad names are refused.
                #expect(try await client.execute(uri: "/v2/domains/\(domainID)", method: .delete, headers: key).status == .badRequest)
                for name in ["not a host", "nodot", "-bad.example.com", "go.example.com"] {
                    let response = try await client.execute(
                        uri: "/v2/domains", method: .post, headers: key, body: ByteBuffer(string: "{\"name\":\"\(name)\"}"))
                    #expect(response.status == .badRequest, "\(name)")
                }
                #expect(try await database.count("domains") == 2)
            }
        }
    }
}
