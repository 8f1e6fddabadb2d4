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

@Suite struct AccountListsAPITests {
    @Test(arguments: TestEngine.available)
    func blacklistedAddressesAreRedirectedButNotRecorded(_ engine: TestEngine) async throws {
        // Loopback as a trusted proxy lets the test play visitors from other addresses.
        try await withTestServer(engine, [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]) { server, database in
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "bl@example.com", password: "long enough pass", now: 1)
            var generous = KeyService.NewKey(name: "k", scopes: .admin)
            generous.ratePerSecond = 10_000
            generous.burst = 100_000
            let (_, key) = try await server.keys.create(generous, accountID: user.accountID, by: .init(name: "t"))
            let headers: HTTPFields = [.authorization: "Bearer \(key)", HTTPField.Name("X-Forwarded-Proto")!: "https"]
            try await server.application.test(.live) { client in
                _ = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"type":0,"name":"bl","typeTL":{"url":"https://e.com"}}"#))
                let added = try await client.execute(
                    uri: "/v2/account/ipblacklist", method: .post, headers: headers, body: ByteBuffer(string: #"{"ip":"203.0.113.0/24"}"#))
                let entry = try DatapointsAPITests.json(added)
                #expect(entry["ip"] as? String == "203.0.113.0/24" && entry["id"] is String)
                func visit(from address: String) async throws -> HTTPResponse.Status {
                    try await client.execute(uri: "/bl", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: address]).status
                }
                #expect(try await visit(from: "203.0.113.9") == .found)  // still redirected
                #expect(try await visit(from: "198.51.100.1") == .found)
                // Hits enter the buffer in the order of the visits: once the second is committed, the first (had it been
                // taken) would be too.
                await server.hits.waitUntilCommitted(1)
                #expect(server.hits.committedCount == 1)
                #expect(try await database.count("hits") == 1)
                #expect(try await database.count("hits", where: "ip = '198.51.100.1'") == 1)
                let list = try DatapointsAPITests.json(try await client.execute(uri: "/v2/account/ipblacklist", method: .get, headers: headers))
                let id = try #require((list["entities"] as? [[String: Any]])?.first?["id"] as? String)
                #expect(try await client.execute(uri: "/v2/account/ipblacklist/\(id)", method: .delete, headers: headers).status == .ok)
                #expect(try await client.execute(uri: "/v2/account/ipblacklist/\(id)", method: .delete, headers: headers).status == .notFound)
                let bad = try await client.execute(
                    uri: "/v2/account/ipblacklist", method: .post, headers: headers, body: ByteBuffer(string: #"{"ip":"999.1.1.1"}"#))
                #expect(try DatapointsAPITests.firstError(bad)["property"] as? String == "Ip")

                let whitelisted = try await client.execute(
                    uri: "/v2/account/domainwhitelist", method: .post, headers: headers, body: ByteBuffer(string: #"{"name":"Partner.Example.com"}"#))
                #expect(try DatapointsAPITests.json(whitelisted)["name"] as? String == "partner.example.com")
                let names = try DatapointsAPITests.json(try await client.execute(uri: "/v2/account/domainwhitelist", method: .get, headers: headers))
                #expect((names["entities"] as? [[String: Any]])?.count == 1)
                let badName = try await client.execute(
                    uri: "/v2/account/domainwhitelist", method: .post, headers: headers, body: ByteBuffer(string: #"{"name":"not a domain"}"#))
                #expect(badName.status == .badRequest)
            }
        }
    }
}
