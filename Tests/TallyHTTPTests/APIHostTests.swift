import Configuration
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

/// `--api-host`: ClickMeter's clients call `https://apiv2.clickmeter.com/datapoints` with the host written into them.
/// On a configured API host the whole API answers at the root and `/v2/…` still works; tracking links never answer
/// there, and on every other host a link named like an API path keeps redirecting. Real HTTP, with the `Host` the
/// client sends, through the fast path and the router.
@Suite struct APIHostTests {
    static let apiHost = "apiv2.example.test"

    @Test(arguments: TestEngine.available)
    func theAPIAnswersAtTheRootOfItsHostAndLinksKeepTheirNamesElsewhere(_ engine: TestEngine) async throws {
        let values: [String: ConfigContent] = [
            AppConfiguration.Key.apiHosts: .string("\(Self.apiHost), Other-API.example.test"), AppConfiguration.Key.durable: .bool(true),
        ]
        try await withTestServer(engine, values) { server, database in
            let (_, key) = try await server.keys.create(
                .init(name: "k", scopes: .readWrite), accountID: server.defaults.accountID, by: .init(name: "t"))
            // Links named like API paths, and an ordinary one (cached by its first redirect, so the fast path knows it).
            for name in ["datapoints", "account", "promo"] { _ = try await server.link("https://shop.example/\(name)", name: name) }
            try await server.application.test(.live) { live in
                let port = try #require(live.port)
                try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                    func call(_ path: String, host: String, method: HTTPRequest.Method = .get, key: String? = nil) async throws -> TestClient.Response
                    {
                        var headers: HTTPFields = [:]
                        if let key { headers[HTTPField.Name("X-Clickmeter-Authkey")!] = key }
                        return try await client.execute(.init(path, method: method, authority: host, headers: headers))
                    }
                    // On a tracking host the links redirect, whatever they are called, and warm the cache.
                    for name in ["datapoints", "account", "promo"] {
                        let answer = try await call("/\(name)", host: "127.0.0.1:\(port)")
                        #expect(answer.status == .found, "\(name)")
                        #expect(answer.headers[.location] == "https://shop.example/\(name)")
                    }
                    // On the API host the same paths are the API: a list with the three links, the account.
                    let list = try await call("/datapoints?limit=10", host: Self.apiHost, key: key)
                    #expect(list.status == .ok)
                    let listed = try JSONSerialization.jsonObject(with: Data((list.body ?? ByteBuffer()).readableBytesView)) as? [String: Any]
                    #expect((listed?["entities"] as? [Any])?.count == 3)
                    let account = try await call("/account", host: "\(Self.apiHost.uppercased()):443", key: key)
                    #expect(account.status == .ok)
                    #expect(String(buffer: account.body ?? ByteBuffer()).contains("\"timezonename\""))
                    // `/v2/…` works there too, and on the second configured host (a trailing dot is the same host).
                    #expect(try await call("/v2/datapoints/count", host: Self.apiHost, key: key).status == .ok)
                    #expect(try await call("/datapoints/count", host: "other-api.example.test.", key: key).status == .ok)
                    // No key: the API's own refusal on its routes; a link's name is no route there (the API's 404, as
                    // under /v2), and never a redirect.
                    let refused = try await call("/datapoints", host: Self.apiHost)
                    #expect(refused.status == .unauthorized)
                    #expect(String(buffer: refused.body ?? ByteBuffer()).contains("key_missing"))
                    let keyless = try await call("/promo", host: Self.apiHost)
                    #expect(keyless.status == .notFound)
                    #expect(keyless.headers[.location] == nil)
                    #expect(String(buffer: keyless.body ?? ByteBuffer()).contains("http_404"))
                    // A cached link's name with a key: the API's 404, the fast path never answers it.
                    let notAPI = try await call("/promo", host: Self.apiHost, key: key)
                    #expect(notAPI.status == .notFound)
                    #expect(notAPI.headers[.location] == nil)
                    #expect(try await call("/promo.gif", host: Self.apiHost, key: key).status == .notFound)
                    // The CORS pre-flight of a browser client, at the root.
                    let preflight = try await call("/datapoints", host: Self.apiHost, method: .options)
                    #expect(preflight.status == .noContent)
                    #expect(preflight.headers[.accessControlAllowOrigin] == "*")
                    #expect(try await call("/health", host: Self.apiHost).status == .ok)
                    // The dashboard is not on the API host.
                    #expect(try await call("/dashboard", host: Self.apiHost).status == .notFound)
                }
            }
            // Durable: each redirect was committed before its answer. Three on the tracking host, none on the API host.
            #expect(try await database.count("hits") == 3)
        }
    }

    @Test func hostNamesAreCheckedAndMatchedAsHostsAre() throws {
        let hosts = try APIHosts(["ApiV2.Example.com", " ", "api.example.org"])
        #expect(hosts.names == ["apiv2.example.com", "api.example.org"])
        #expect(hosts.contains(authority: "APIV2.example.com:8443"))
        #expect(hosts.contains(authority: "apiv2.example.com."))
        #expect(!hosts.contains(authority: "apiv2.example.com.evil.test"))
        #expect(!hosts.contains(authority: "[::1]:80"))
        #expect(!hosts.contains(authority: ""))
        for bad in ["https://api.example.com", "api.example.com:443", "api example", "api.example.com/v2", ".example.com"] {
            #expect(throws: ValidationError.self, "\(bad)") { try APIHosts([bad]) }
        }
        let location = DatabaseLocation.sqlite(path: ":memory:")
        #expect(throws: ValidationError.self) {
            try testConfiguration([AppConfiguration.Key.apiHosts: .string("api.example.com:443")], database: location)
        }
        #expect(
            try testConfiguration([AppConfiguration.Key.apiHosts: .string("a.example.com,b.example.com")], database: location).apiHosts.names.count
                == 2)
        #expect(APIHosts.routedPath("/") == "/v2")
        #expect(APIHosts.routedPath("/?x=1") == "/v2?x=1")
        #expect(APIHosts.routedPath("/datapoints?limit=1") == "/v2/datapoints?limit=1")
        #expect(APIHosts.routedPath("/v2/account") == "/v2/account")
        #expect(APIHosts.routedPath("/v2x") == "/v2/v2x")
        #expect(APIHosts.routedPath("/health") == "/health")
    }
}
