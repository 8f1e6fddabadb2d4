import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Attacks on key authority through real HTTP, on both engines: a lesser key tries to take over, widen or mint
/// keys beyond its own bounds (OWASP API5). Each refusal is a 403 with the bound it exceeds, audited with the actor.
@Suite struct KeyAuthorityTests {
    typealias Setup = APIKeyAuthTests.Setup

    /// A `keys:write` key limited to loopback and to one day: the attacker of the issue's reproduction.
    static func lesserKey(_ setup: Setup, scopes: APIScopeSet = APIScopeSet([APIScope(.keys, .write)]), groups: [Int64] = []) async throws -> (
        key: APIKey, fullKey: String
    ) {
        var new = KeyService.NewKey(name: "lesser", scopes: scopes)
        new.allowedNetworks = [IPNetwork("127.0.0.1/32")!]
        new.expiresAt = Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000
        new.groupIDs = groups
        return try await setup.createKey(new, accountID: setup.user.accountID, by: .init(name: "test"))
    }

    static func call(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ key: String, _ body: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: path, method: method, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
            body: body.map { ByteBuffer(string: $0) })
    }

    @Test(arguments: TestEngine.available)
    func aLesserKeyCannotRotateReviveOrChangeTheOwnersAdminKey(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine) { setup in
            let (lesser, lesserKey) = try await Self.lesserKey(setup)
            let adminID = try #require(APIKeyToken(parsing: setup.admin)?.publicID)
            try await setup.server.application.test(.live) { client in
                // The issue's reproduction: this answered 200 with the admin key's new secret.
                let rotate = try await Self.call(client, .post, "/v2/keys/\(adminID)/rotate", lesserKey, #"{"graceHours":0}"#)
                #expect(rotate.status == .forbidden)
                #expect(try APIKeyAuthTests.errorCode(rotate) == "scopes_exceed_own")
                #expect(!rotate.text.contains("ctk_"))
                let attempts: [(HTTPRequest.Method, String, String?)] = [
                    (.post, "/v2/keys/\(adminID)/revoke", nil),
                    (.delete, "/v2/keys/\(adminID)", nil),
                    (.post, "/v2/keys/\(adminID)", #"{"name":"pwned"}"#),
                    (.post, "/v2/keys/\(adminID)", #"{"allowedNetworks":["192.0.2.1/32"]}"#),
                ]
                for (method, path, body) in attempts {
                    let response = try await Self.call(client, method, path, lesserKey, body)
                    #expect(response.status == .forbidden, "\(method) \(path)")
                    #expect(try APIKeyAuthTests.errorCode(response) == "scopes_exceed_own", "\(method) \(path)")
                }
                // The admin key is untouched: same secret, same name, still accepted.
                let adminSelf = try await Self.call(client, .get, "/v2/keys/\(adminID)", setup.admin)
                #expect(adminSelf.status == .ok)
                #expect(try APIKeyAuthTests.json(adminSelf)["name"] as? String == "admin")
                // The refusals are in the audit log, naming the acting key.
                let audit = try await Self.call(client, .get, "/v2/audit", setup.admin)
                let refused = (try APIKeyAuthTests.json(audit)["entities"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "refused" }
                #expect(refused.count == 5)
                #expect(refused.allSatisfy { $0["actor"] as? String == "key \(lesser.publicID)" })
                #expect(refused.contains { ($0["details"] as? String)?.contains("action=rotate code=scopes_exceed_own") == true })
                // A key may always rotate and revoke itself.
                let own = try await Self.call(client, .post, "/v2/keys/\(lesser.publicID)/rotate", lesserKey, #"{"graceHours":0}"#)
                #expect(own.status == .ok)
                let newLesser = try #require(try APIKeyAuthTests.json(own)["key"] as? String)
                setup.issued.add(newLesser)
                #expect(try await Self.call(client, .post, "/v2/keys/\(lesser.publicID)/revoke", newLesser).status == .ok)
                #expect(try await Self.call(client, .get, "/v2/keys", newLesser).status == .unauthorized)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aKeyCannotWidenItselfOrAnotherBeyondItsOwnBounds(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine) { setup in
            let (lesser, lesserKey) = try await Self.lesserKey(setup, scopes: APIScopeSet([APIScope(.keys, .write), APIScope(.datapoints, .read)]))
            try await setup.server.application.test(.live) { client in
                // Its own allow-list can only narrow.
                let widen = try await Self.call(client, .post, "/v2/keys/\(lesser.publicID)", lesserKey, #"{"allowedNetworks":[]}"#)
                #expect(try APIKeyAuthTests.errorCode(widen) == "networks_exceed_own")
                let wider = try await Self.call(client, .post, "/v2/keys/\(lesser.publicID)", lesserKey, #"{"allowedNetworks":["127.0.0.0/8"]}"#)
                #expect(try APIKeyAuthTests.errorCode(wider) == "networks_exceed_own")
                let renamed = try await Self.call(client, .post, "/v2/keys/\(lesser.publicID)", lesserKey, #"{"name":"still lesser"}"#)
                #expect(renamed.status == .ok)

                // A new key inherits the maker's allow-list and expiry (an IP-limited key minted unrestricted ones).
                let minted = try await Self.call(client, .post, "/v2/keys", lesserKey, #"{"name":"child","scopes":"datapoints:read"}"#)
                #expect(minted.status == .created)
                let child = try APIKeyAuthTests.json(minted)
                setup.issued.add(try #require(child["key"] as? String))
                #expect(child["allowedNetworks"] as? [String] == ["127.0.0.1/32"])
                #expect(child["expiresAt"] is String)
                // Asking for a wider one, more scopes, a later expiry or a faster rate is refused.
                let refusals: [(String, String)] = [
                    (#"{"name":"x","scopes":"datapoints:read","allowedNetworks":["10.0.0.0/8"]}"#, "networks_exceed_own"),
                    (#"{"name":"x","scopes":"datapoints:write"}"#, "scopes_exceed_own"),
                    (#"{"name":"x","scopes":"admin"}"#, "scopes_exceed_own"),
                    (#"{"name":"x","scopes":"datapoints:read","expiresInDays":30}"#, "expiry_exceeds_own"),
                    (#"{"name":"x","scopes":"datapoints:read","rateLimit":{"perSecond":11,"burst":20}}"#, "rate_exceeds_own"),
                ]
                for (body, code) in refusals {
                    let response = try await Self.call(client, .post, "/v2/keys", lesserKey, body)
                    #expect(response.status == .forbidden, "\(body)")
                    #expect(try APIKeyAuthTests.errorCode(response) == code, "\(body)")
                }
                // It may manage the key it covers: rotate the child, narrow it, revoke it.
                let childID = try #require(child["id"] as? String)
                let rotated = try await Self.call(client, .post, "/v2/keys/\(childID)/rotate", lesserKey, #"{"graceHours":0}"#)
                #expect(rotated.status == .ok)
                setup.issued.add(try #require(try APIKeyAuthTests.json(rotated)["key"] as? String))
                #expect(try await Self.call(client, .post, "/v2/keys/\(childID)/revoke", lesserKey).status == .ok)
                // The owner's admin key covers everything and may manage the lesser key.
                let byAdmin = try await Self.call(client, .post, "/v2/keys/\(lesser.publicID)", setup.admin, #"{"allowedNetworks":[]}"#)
                #expect(byAdmin.status == .ok)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aGroupLimitedKeyMintsOnlyKeysOfItsGroupsAndManagesNoOthers(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine) { setup in
            var groups: [Int64] = []
            for name in ["north", "south"] {
                let id = try await setup.database.transaction { db in
                    try await db.insert(into: "link_groups").columns("account_id", "name", "created_at", "updated_at")
                        .values(setup.user.accountID, name, 1, 1).returning("id").first(decodingColumn: "id", as: Int64.self)
                }
                groups.append(try #require(id))
            }
            let groupIDs = groups
            var north = KeyService.NewKey(name: "north keys", scopes: .admin)
            north.groupIDs = [groups[0]]
            let (_, northKey) = try await setup.createKey(north, accountID: setup.user.accountID, by: .init(name: "test"))
            var south = KeyService.NewKey(name: "south reader", scopes: .readOnly)
            south.groupIDs = [groups[1]]
            let (southReader, _) = try await setup.createKey(south, accountID: setup.user.accountID, by: .init(name: "test"))
            try await setup.server.application.test(.live) { client in
                let minted = try await Self.call(client, .post, "/v2/keys", northKey, #"{"name":"child","scopes":"read-only"}"#)
                #expect(minted.status == .created)
                let child = try APIKeyAuthTests.json(minted)
                setup.issued.add(try #require(child["key"] as? String))
                #expect(child["groups"] as? [Int] == [Int(groupIDs[0])])
                let other = try await Self.call(
                    client, .post, "/v2/keys", northKey, "{\"name\":\"x\",\"scopes\":\"read-only\",\"groups\":[\(groupIDs[1])]}")
                #expect(try APIKeyAuthTests.errorCode(other) == "groups_exceed_own")
                for path in ["/v2/keys/\(southReader.publicID)/rotate", "/v2/keys/\(southReader.publicID)/revoke"] {
                    let response = try await Self.call(client, .post, path, northKey)
                    #expect(response.status == .forbidden, "\(path)")
                    #expect(try APIKeyAuthTests.errorCode(response) == "groups_exceed_own", "\(path)")
                }
            }
            #expect(try await setup.server.keys.key(publicID: southReader.publicID, accountID: setup.user.accountID).status == .active)
        }
    }
}
