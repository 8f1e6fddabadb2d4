import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Each hit's country, region and city: from `--geoip-db` (located from the full address by the writer, while only
/// the masked address is stored for links that ask for it), or from a trusted proxy's `CF-IPCountry`.
@Suite struct GeoEnrichmentTests {
    static var geoIPDatabase: String? { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_GEOIP_DB"] }
    static var geoIPRequired: Bool { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_REQUIRE_CORPORA"] == "1" }

    static func visit(_ client: some TestClientProtocol, _ path: String, from address: String, country: String? = nil) async throws {
        var headers: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: address]
        if let country { headers[HTTPField.Name("CF-IPCountry")!] = country }
        #expect(try await client.execute(uri: path, method: .get, headers: headers).status == .found)
    }

    @Test(arguments: TestEngine.available)
    func cfIPCountryIsBelievedFromATrustedProxyOnly(_ engine: TestEngine) async throws {
        try await withTestServer(engine, [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]) { server, database in
            try await server.link("https://example.com/", name: "cf")
            try await server.application.test(.live) { client in
                try await Self.visit(client, "/cf", from: "198.51.100.7", country: "de")
                try await Self.visit(client, "/cf", from: "198.51.100.8", country: "XX")
                try await Self.visit(client, "/cf", from: "198.51.100.9", country: "Deutschland")
            }
            #expect(try await database.count("hits", where: "country = 'DE'") == 1)
            #expect(try await database.count("hits", where: "country = ''") == 2)
        }
        try await withTestServer(engine) { server, database in
            try await server.link("https://example.com/", name: "cf")
            try await server.application.test(.live) { client in
                // Loopback is not a trusted proxy here: anyone could send the header.
                try await Self.visit(client, "/cf", from: "198.51.100.7", country: "DE")
            }
            #expect(try await database.count("hits", where: "country = ''") == 1)
        }
    }

    @Test(.enabled(if: geoIPDatabase != nil || geoIPRequired), arguments: TestEngine.available)
    func theDatabaseLocatesTheFullAddressWhileOnlyTheMaskedOneIsStored(_ engine: TestEngine) async throws {
        let path = try #require(Self.geoIPDatabase, "CLICKTALLY_TEST_GEOIP_DB is not set; run scripts/test")
        let values: [String: ConfigContent] = [
            AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32"), AppConfiguration.Key.geoIPDatabase: .string(path),
        ]
        try await withTestServer(engine, values) { server, database in
            try await server.link("https://example.com/", name: "geo", encodeIP: true)
            try await server.application.test(.live) { client in
                try await Self.visit(client, "/geo", from: "81.2.69.160")
                try await Self.visit(client, "/geo", from: "2001:218::1")
                try await Self.visit(client, "/geo", from: "10.1.2.3")
                // A trusted proxy's own verdict wins over the database.
                try await Self.visit(client, "/geo", from: "81.2.69.161", country: "FR")
            }
            #expect(try await database.count("hits", where: "ip = '81.2.69.0' AND country = 'GB' AND region = 'ENG' AND city = 'Willesden'") == 1)
            #expect(try await database.count("hits", where: "country = 'JP' AND city = ''") == 1)
            #expect(try await database.count("hits", where: "ip = '10.1.2.0' AND country = ''") == 1)
            #expect(try await database.count("hits", where: "country = 'FR'") == 1)
            #expect(try await database.count("hits", where: "ip = '81.2.69.160' OR ip = '2001:218::1'") == 0)
        }
    }

    @Test func anUnreadableDatabaseStopsTheStartWithItsName() async throws {
        await #expect(throws: ValidationError.self) {
            try await withTestServer(.sqlite, [AppConfiguration.Key.geoIPDatabase: .string("/nonexistent/GeoLite2-City.mmdb")]) { _, _ in }
        }
    }
}
