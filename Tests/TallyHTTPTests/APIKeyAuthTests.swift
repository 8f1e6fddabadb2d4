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
@Suite struct APIKeyAuthTests {
    struct Setup {
        let server: TallyServer
        let database: any TallyDatabase
        let user: User
        let admin: String
        let capture: LogCapture
        let issued: IssuedKeys
        let location: DatabaseLocation

        /// Creates a key through the service and remembers it, so the suite can prove no log line ever held it.
        func createKey(_ new: KeyService.NewKey, accountID: Int64, by actor: KeyService.Actor) async throws -> (key: APIKey, fullKey: String) {
            let created = try await server.keys.create(new, accountID: accountID, by: actor)
            issued.add(created.fullKey)
            return created
        }
    }

    /// Every full key a test saw (created, rotated), for the log check at the end of each test.
    final class IssuedKeys: Sendable {
        private let keys = Mutex<[String]>([])
        func add(_ key: String) { keys.withLock { $0.append(key) } }
        var all: [String] { keys.withLock { $0 } }
    }

    static func withSetup(
        _ engine: TestEngine, _ values: [String: ConfigContent] = [:], clock: WallClock = .system, _ body: @Sendable (Setup) async throws -> Void
    ) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            let capture = LogCapture()
            let server = try await buildApplication(
                configuration: try testConfiguration(values, database: location), database: database, clock: clock,
                logger: capture.logger(level: .debug))
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "owner@example.com", password: "correct horse battery", now: 1)
            let (_, admin) = try await server.keys.create(.init(name: "admin", scopes: .admin), accountID: user.accountID, by: .init(name: "test"))
            let issued = IssuedKeys()
            issued.add(admin)
            try await body(Setup(server: server, database: database, user: user, admin: admin, capture: capture, issued: issued, location: location))
            // Nothing of any key may have reached a log line: no secret, and nothing shaped like a full key.
            let logged = capture.all.map { "\($0.level) \($0.message) \($0.metadata)" }.joined(separator: "\n")
            for key in issued.all {
                #expect(!logged.contains(APIKeyToken(parsing: key)!.secret), "a log line holds a key's secret")
            }
            #expect(logged.range(of: APIKeyToken.pattern, options: .regularExpression) == nil)
            #expect(
                logged.range(of: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", options: .regularExpression) == nil)
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }

    static func errorCode(_ response: TestResponse) throws -> String? {
        ((try json(response)["errors"] as? [[String: Any]])?.first?["code"]) as? String
    }

    @Test(arguments: TestEngine.available)
    func theKeyIsAcceptedFromEveryDocumentedPlace(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            try await setup.server.application.test(.live) { client in
                for headers: HTTPFields in [
                    [HTTPField.Name("X-ClickMeter-API-Key")!: setup.admin], [HTTPField.Name("x-clickmeter-authkey")!: setup.admin],
                    [.authorization: "Bearer \(setup.admin)"],
                ] {
                    let response = try await client.execute(uri: "/v2/links", method: .get, headers: headers)
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("X-Rate-Limit-Limit")!] == "20")
                    #expect(response.headers[HTTPField.Name("X-ClickTally-Warning")!] == nil)
                }
                let inQuery = try await client.execute(uri: "/v2/links?authKey=\(setup.admin)", method: .get)
                #expect(inQuery.status == .ok)
                #expect(inQuery.headers[HTTPField.Name("X-ClickTally-Warning")!]?.contains("header") == true)
                let alerts = try await client.execute(uri: "/v2/alerts", method: .get, headers: [.authorization: "Bearer \(setup.admin)"])
                #expect(String(buffer: alerts.body).contains("key_in_url"))
                // The usage log marks it, and holds no key.
                let keyID = APIKeyToken(parsing: setup.admin)!.publicID
                let requests = try await client.execute(
                    uri: "/v2/keys/\(keyID)/requests", method: .get, headers: [.authorization: "Bearer \(setup.admin)"])
                #expect(requests.status == .ok)
                #expect(String(buffer: requests.body).contains("\"keyInQuery\":true"))
                #expect(!String(buffer: requests.body).contains(APIKeyToken(parsing: setup.admin)!.secret))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func everyRefusalHasItsStatusAndCodeAndLeaksNothing(_ engine: TestEngine) async throws {
        // Hundreds of deliberate failures from one address: lift the brute-force throttle (tested on its own below).
        try await Self.withSetup(engine, [AppConfiguration.Key.authFailureBurst: .int(100_000)]) { setup in
            let keys = setup.server.keys
            let account = setup.user.accountID
            // One request per route: more than a default key's burst, so this key gets a generous limit.
            var generous = KeyService.NewKey(name: "ro", scopes: .readOnly)
            generous.ratePerSecond = 10_000
            generous.burst = 100_000
            let (_, readOnly) = try await keys.create(generous, accountID: account, by: .init(name: "t"))
            let (revokedKey, revoked) = try await keys.create(.init(name: "rv", scopes: .admin), accountID: account, by: .init(name: "t"))
            _ = try await keys.revoke(publicID: revokedKey.publicID, accountID: account, by: .init(name: "t"))
            let (expiredKey, expired) = try await keys.create(.init(name: "ex", scopes: .admin), accountID: account, by: .init(name: "t"))
            try await setup.database.transaction { db in
                try await db.update("api_keys").set("expires_at", to: 5).where("id", .equal, expiredKey.id).run()
            }
            let genuine = APIKeyToken(parsing: setup.admin)!
            var badChecksum = Array(setup.admin)
            badChecksum[badChecksum.count - 1] = badChecksum.last == "A" ? "B" : "A"
            let unknown = APIKeyToken.generate().text
            let wrongSecret = APIKeyToken(publicID: genuine.publicID, secret: APIKeyToken.generate().secret).text
            let cases: [(String?, HTTPResponse.Status, String)] = [
                (nil, .unauthorized, "key_missing"), ("not-a-key", .unauthorized, "key_malformed"),
                (String(badChecksum), .unauthorized, "key_malformed"), (unknown, .unauthorized, "key_unknown"),
                (wrongSecret, .unauthorized, "key_unknown"), (revoked, .unauthorized, "key_revoked"), (expired, .unauthorized, "key_expired"),
            ]
            let routes = setup.server.apiRoutes.all.filter { $0.value != .publicRoute }.keys.sorted()
            #expect(routes.count >= 12)
            try await setup.server.application.test(.live) { client in
                for route in routes {
                    let parts = route.split(separator: " ")
                    let method = HTTPRequest.Method(String(parts[0]))!
                    var path = String(parts[1]).replacingOccurrences(of: "{id}", with: genuine.publicID).replacingOccurrences(
                        of: ":id", with: genuine.publicID)
                    // The live clickstream lasts as long as the client listens: bounded here.
                    if path.hasSuffix("/clickstream/live") { path += "?maxSeconds=1" }
                    for (key, status, code) in cases {
                        let headers: HTTPFields = key.map { [HTTPField.Name("X-ClickMeter-API-Key")!: $0] } ?? [:]
                        let response = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: "{}"))
                        #expect(response.status == status, "\(route) \(code)")
                        #expect(try Self.errorCode(response) == code, "\(route)")
                        #expect(try Self.json(response)["errorCode"] as? Int == Int(status.code))
                        if let key { #expect(!String(buffer: response.body).contains(key), "\(route) echoes the key") }
                    }
                    // A read-only key: writes are forbidden, reads pass the key layer.
                    let response = try await client.execute(
                        uri: path, method: method, headers: [HTTPField.Name("X-ClickMeter-API-Key")!: readOnly], body: ByteBuffer(string: "{}"))
                    if method == .get {
                        #expect(response.status != .unauthorized && response.status != .forbidden, "\(route)")
                    } else {
                        #expect(response.status == .forbidden, "\(route)")
                        #expect(try Self.errorCode(response) == "scope_missing")
                    }
                }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func otherAccountsAndOtherGroupsDoNotExistForAKey(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            let account = setup.user.accountID
            let other = try await AccountService(database: setup.database, bcryptCost: 4).createUser(
                email: "other@example.com", password: "another long password", now: 1)
            let (_, otherKey) = try await setup.createKey(.init(name: "o", scopes: .admin), accountID: other.accountID, by: .init(name: "t"))
            var groups: [Int64] = []
            for name in ["north", "south"] {
                let id = try await setup.database.transaction { db in
                    try await db.insert(into: "link_groups").columns("account_id", "name", "created_at", "updated_at").values(account, name, 1, 1)
                        .returning("id").first(decodingColumn: "id", as: Int64.self)
                }
                groups.append(try #require(id))
            }
            let domain = setup.server.defaults.systemDomain
            let north = try await setup.server.datapoints.create(
                accountID: account, domain: domain, .init(destination: "https://example.com/n", name: "north1", groupID: groups[0]))
            let south = try await setup.server.datapoints.create(
                accountID: account, domain: domain, .init(destination: "https://example.com/s", name: "south1", groupID: groups[1]))
            let northGroup = groups[0]
            var restricted = KeyService.NewKey(name: "north only", scopes: .admin)
            restricted.groupIDs = [groups[0]]
            let (_, northKey) = try await setup.createKey(restricted, accountID: account, by: .init(name: "t"))
            try await setup.server.application.test(.live) { client in
                func get(_ path: String, _ key: String) async throws -> TestResponse {
                    try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(key)"])
                }
                #expect(try await get("/v2/links/\(north.id)", setup.admin).status == .ok)
                let foreign = try await get("/v2/links/\(north.id)", otherKey)
                #expect(foreign.status == .notFound)
                #expect(try Self.errorCode(foreign) == "not_found")
                #expect(!String(buffer: foreign.body).contains("north1"))
                #expect(try await get("/v2/links/\(north.id)", northKey).status == .ok)
                #expect(try await get("/v2/links/\(south.id)", northKey).status == .notFound)
                #expect(String(buffer: try await get("/v2/links?_expand=true", northKey).body).contains("north1"))
                #expect(!String(buffer: try await get("/v2/links?_expand=true", northKey).body).contains("south1"))
                let foreignList = try await get("/v2/links", otherKey)
                #expect(String(buffer: foreignList.body) == #"{"entities":[]}"#)
                // Keys cannot reach across accounts or out of their groups.
                let crossAccount = try await client.execute(
                    uri: "/v2/keys", method: .post, headers: [.authorization: "Bearer \(otherKey)"],
                    body: ByteBuffer(string: "{\"name\":\"x\",\"scopes\":\"read-only\",\"groups\":[\(northGroup)]}"))
                #expect(try Self.errorCode(crossAccount) == "group_unknown")
                // A key it makes without groups inherits its group restriction (KeyAuthorityTests attacks the rest).
                let inherit = try await client.execute(
                    uri: "/v2/keys", method: .post, headers: [.authorization: "Bearer \(northKey)"],
                    body: ByteBuffer(string: #"{"name":"x","scopes":"read-only"}"#))
                #expect(inherit.status == .created)
                #expect(try Self.json(inherit)["groups"] as? [Int] == [Int(northGroup)])
                setup.issued.add(try #require(try Self.json(inherit)["key"] as? String))
                let otherKeyID = APIKeyToken(parsing: otherKey)!.publicID
                #expect(try await get("/v2/keys/\(otherKeyID)", setup.admin).status == .notFound)
                let revokeForeign = try await client.execute(
                    uri: "/v2/keys/\(otherKeyID)/revoke", method: .post, headers: [.authorization: "Bearer \(setup.admin)"])
                #expect(revokeForeign.status == .notFound)
                #expect(try await get("/v2/links", otherKey).status == .ok)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func plainHTTPFromElsewhereIsRefused(_ engine: TestEngine) async throws {
        // Loopback as a trusted proxy stands in for a reverse proxy on this machine forwarding a remote client.
        try await Self.withSetup(engine, [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]) { setup in
            try await setup.server.application.test(.live) { client in
                let forwarded: HTTPFields = [.authorization: "Bearer \(setup.admin)", HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"]
                let plain = try await client.execute(uri: "/v2/links", method: .get, headers: forwarded)
                #expect(plain.status == .forbidden)
                #expect(try Self.errorCode(plain) == "https_required")
                var secure = forwarded
                secure[HTTPField.Name("X-Forwarded-Proto")!] = "https"
                #expect(try await client.execute(uri: "/v2/links", method: .get, headers: secure).status == .ok)
                let alerts = String(buffer: try await client.execute(uri: "/v2/alerts", method: .get, headers: secure).body)
                #expect(alerts.contains("\"kind\":\"plain_http\""))
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func everyV2RouteDeclaresItsRequirement(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, _ in
            let v2 = server.routerRoutes.filter { $0.split(separator: " ").last?.hasPrefix("/v2") == true }
            #expect(!v2.isEmpty)
            let declared = Set(server.apiRoutes.all.keys.map(CompatibilityTableTests.normalised))
            for route in v2 {
                #expect(declared.contains(CompatibilityTableTests.normalised(route)), "\(route) has no scope declaration")
            }
        }
    }
}
