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
/// Create, rotate, revoke, report: the key lifecycle through real HTTP.
extension APIKeyAuthTests {
    /// Two nodes on one database: a key revoked (or rotated with no grace) through node A is refused by node B, which
    /// had it cached, once B's two-second key cache has lapsed (B's wall clock is moved by hand: before the lapse B
    /// still answers from its cache, after it B reads the key again).
    @Test(arguments: TestEngine.available)
    func revocationAndRotationReachAnotherNodeWhenItsCacheLapses(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            // The lapse is the safety net when an announcement is missed: PostgreSQL's are turned off to see it
            // (`ChangeNotificationTests` proves they come first).
            let configuration = try testConfiguration([AppConfiguration.Key.changeNotifications: .bool(false)], database: location)
            let time = MovingWallClock()
            let nodeA = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            let nodeB = try await buildApplication(configuration: configuration, database: database, clock: time.clock, logger: testLogger)
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "n@example.com", password: "long enough pass", now: 1)
            let (rotating, rotatingText) = try await nodeA.keys.create(
                .init(name: "r", scopes: .readOnly), accountID: user.accountID, by: .init(name: "t"))
            let (revoking, revokingText) = try await nodeA.keys.create(
                .init(name: "v", scopes: .readOnly), accountID: user.accountID, by: .init(name: "t"))
            try await nodeB.application.test(.live) { client in
                func status(_ key: String) async throws -> HTTPResponse.Status {
                    try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(key)"]).status
                }
                #expect(try await status(rotatingText) == .ok)  // both cached on B now
                #expect(try await status(revokingText) == .ok)
                _ = try await nodeA.keys.revoke(publicID: revoking.publicID, accountID: user.accountID, by: .init(name: "t"))
                let (_, rotatedText) = try await nodeA.keys.rotate(
                    publicID: rotating.publicID, accountID: user.accountID, graceMilliseconds: 0, by: .init(name: "t"))
                time.advance(milliseconds: 1_999)
                #expect(try await status(revokingText) == .ok, "B answers from its cache inside the lifetime")
                time.advance(milliseconds: 1)
                #expect(try await status(revokingText) == .unauthorized)
                #expect(try await status(rotatingText) == .unauthorized)
                #expect(try await status(rotatedText) == .ok)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func guidShapedKeysWorkForOldClickMeterClients(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            try await setup.server.application.test(.live) { client in
                let created = try await client.execute(
                    uri: "/v2/keys", method: .post, headers: [.authorization: "Bearer \(setup.admin)"],
                    body: ByteBuffer(string: #"{"name":"wp plugin","scopes":"read-only","format":"guid"}"#))
                #expect(created.status == .created)
                let body = try Self.json(created)
                let guid = try #require(body["key"] as? String)
                setup.issued.add(guid)
                #expect(body["format"] as? String == "guid")
                #expect(guid.range(of: "^[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}$", options: .regularExpression) != nil)
                let response = try await client.execute(uri: "/v2/links", method: .get, headers: [HTTPField.Name("X-Clickmeter-Authkey")!: guid])
                #expect(response.status == .ok)
                let id = try #require(body["id"] as? String)
                let rotated = try await client.execute(
                    uri: "/v2/keys/\(id)/rotate", method: .post, headers: [.authorization: "Bearer \(setup.admin)"], body: ByteBuffer(string: "{}"))
                let newGUID = try #require(try Self.json(rotated)["key"] as? String)
                setup.issued.add(newGUID)
                #expect(newGUID.hasPrefix(String(guid.prefix(8))) && newGUID != guid)
                #expect(
                    try await client.execute(uri: "/v2/links", method: .get, headers: [HTTPField.Name("X-Clickmeter-Authkey")!: newGUID]).status
                        == .ok)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func rotateKeepsTheOldSecretForTheGraceThenRevokeStopsAtOnce(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            try await setup.server.application.test(.live) { client in
                let admin: HTTPFields = [.authorization: "Bearer \(setup.admin)"]
                let created = try await client.execute(
                    uri: "/v2/keys", method: .post, headers: admin, body: ByteBuffer(string: #"{"name":"ci","scopes":"read-only"}"#))
                #expect(created.status == .created)
                let body = try Self.json(created)
                let old = try #require(body["key"] as? String)
                setup.issued.add(old)
                let id = try #require(body["id"] as? String)
                #expect(try Self.json(try await client.execute(uri: "/v2/keys/\(id)", method: .get, headers: admin))["key"] == nil)
                let rotated = try await client.execute(
                    uri: "/v2/keys/\(id)/rotate", method: .post, headers: admin, body: ByteBuffer(string: #"{"graceHours":1}"#))
                #expect(rotated.status == .ok)
                let new = try #require(try Self.json(rotated)["key"] as? String)
                setup.issued.add(new)
                #expect(new != old && new.hasPrefix("ctk_\(id)_"))
                let withOld = try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(old)"])
                #expect(withOld.status == .ok)
                #expect(withOld.headers[HTTPField.Name("X-ClickTally-Warning")!]?.contains("rotated") == true)
                #expect(try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(new)"]).status == .ok)
                // A read-only key cannot make an admin key.
                let escalate = try await client.execute(
                    uri: "/v2/keys", method: .post, headers: [.authorization: "Bearer \(new)"],
                    body: ByteBuffer(string: #"{"name":"x","scopes":"admin"}"#))
                #expect(escalate.status == .forbidden)
                // A key cannot out-run its maker either.
                let faster = try await client.execute(
                    uri: "/v2/keys", method: .post, headers: admin,
                    body: ByteBuffer(string: #"{"name":"fast","scopes":"read-only","rateLimit":{"perSecond":100,"burst":200}}"#))
                #expect(try Self.errorCode(faster) == "rate_exceeds_own")
                // Renaming and an allow-list apply at once (this node forgets its cached copy).
                let renamed = try await client.execute(
                    uri: "/v2/keys/\(id)", method: .post, headers: admin,
                    body: ByteBuffer(string: #"{"name":"renamed","allowedNetworks":["10.0.0.0/8"]}"#))
                #expect(try Self.json(renamed)["name"] as? String == "renamed")
                let elsewhere = try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(new)"])
                #expect(try Self.errorCode(elsewhere) == "key_address_not_allowed")
                _ = try await client.execute(
                    uri: "/v2/keys/\(id)", method: .post, headers: admin, body: ByteBuffer(string: #"{"allowedNetworks":[]}"#))
                #expect(try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(new)"]).status == .ok)
                // Rotating with no grace ends the old secret at once; revoking ends the key.
                let again = try await client.execute(
                    uri: "/v2/keys/\(id)/rotate", method: .post, headers: admin, body: ByteBuffer(string: #"{"graceHours":0}"#))
                let newest = try #require(try Self.json(again)["key"] as? String)
                setup.issued.add(newest)
                #expect(try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(new)"]).status == .unauthorized)
                #expect(try await client.execute(uri: "/v2/keys/\(id)/revoke", method: .post, headers: admin).status == .ok)
                let afterRevoke = try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(newest)"])
                #expect(try Self.errorCode(afterRevoke) == "key_revoked")
                let alerts = String(buffer: try await client.execute(uri: "/v2/alerts", method: .get, headers: admin).body)
                #expect(alerts.contains("\"kind\":\"previous_secret_used\""))
                let audit = String(buffer: try await client.execute(uri: "/v2/audit", method: .get, headers: admin).body)
                for event in ["created", "rotated", "revoked"] { #expect(audit.contains("\"event\":\"\(event)\"")) }
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aReportedLeakRevokesTheKeyAndAnswersTheSameForNonsense(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            let (key, text) = try await setup.createKey(
                .init(name: "leaky", scopes: .readOnly), accountID: setup.user.accountID, by: .init(name: "t"))
            try await setup.server.application.test(.live) { client in
                let nonsense = try await client.execute(uri: "/v2/keys/leaked", method: .post, body: ByteBuffer(string: #"{"key":"ctk_nothing"}"#))
                let real = try await client.execute(uri: "/v2/keys/leaked", method: .post, body: ByteBuffer(string: "{\"key\":\"\(text)\"}"))
                #expect(nonsense.status == .accepted && real.status == .accepted)
                #expect(String(buffer: nonsense.body) == String(buffer: real.body))
                // Handled after the answer (so the answer's timing says nothing): revoked within moments.
                var code: String?
                for _ in 0..<50 {
                    code = try Self.errorCode(try await client.execute(uri: "/v2/links", method: .get, headers: [.authorization: "Bearer \(text)"]))
                    if code == "key_revoked" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(code == "key_revoked")
                let alerts = String(
                    buffer: try await client.execute(uri: "/v2/alerts", method: .get, headers: [.authorization: "Bearer \(setup.admin)"]).body)
                #expect(alerts.contains("\"kind\":\"leaked\"") && alerts.contains(key.publicID))
                // Acknowledged once seen; another account's (or no) alert is not found.
                let admin: HTTPFields = [.authorization: "Bearer \(setup.admin)"]
                let listed = try #require(
                    try Self.json(try await client.execute(uri: "/v2/alerts", method: .get, headers: admin))["entities"] as? [[String: Any]])
                let alertID = try #require(listed.first?["id"] as? Int)
                #expect(listed.first?["acknowledged"] as? Bool == false)
                #expect(try await client.execute(uri: "/v2/alerts/\(alertID)/acknowledge", method: .post, headers: admin).status == .noContent)
                let after = try #require(
                    try Self.json(try await client.execute(uri: "/v2/alerts", method: .get, headers: admin))["entities"] as? [[String: Any]])
                #expect(after.first?["acknowledged"] as? Bool == true)
                #expect(try await client.execute(uri: "/v2/alerts/999999/acknowledge", method: .post, headers: admin).status == .notFound)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func theDatabaseHoldsNoRecoverableKey(_ engine: TestEngine) async throws {
        try await Self.withSetup(engine) { setup in
            let secret = APIKeyToken(parsing: setup.admin)!.secret
            let rows = try await setup.database.read { db in try await db.raw("SELECT * FROM api_keys").all() }
            #expect(rows.count == 1)
            for column in SQLAPIKeyRepository.columns {
                let value = (try? rows[0].decode(column: column, as: String?.self)) ?? nil
                #expect(!(value ?? "").contains(secret), "\(column)")
            }
            // On SQLite, grep the database files themselves (main file and write-ahead log).
            if case .sqlite(let path) = setup.location {
                var grepped = 0
                defer { #expect(grepped > 0) }
                for file in [path, path + "-wal"] {
                    guard let bytes = FileManager.default.contents(atPath: file) else { continue }
                    grepped += bytes.count
                    #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
                    #expect(bytes.range(of: Data(setup.admin.utf8)) == nil, "\(file) holds the key")
                }
            }
        }
    }
}
