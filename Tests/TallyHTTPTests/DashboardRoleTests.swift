import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Dashboard roles and the fresh confirmation of sensitive actions (issue 13 §1), attacked through real HTTP on both
/// engines: a member tries to mint an admin key or take over the owner's, a read-only user to change anything, an
/// admin to add an owner, a session left open for 11 minutes to change the webhook or mint an admin key.
@Suite struct DashboardRoleTests {
    static let password = "a long enough password"

    /// A second browser signed in as a new user of the owner's account with `role`.
    static func signedIn(
        _ role: DashboardRole, _ email: String, _ server: TallyServer, _ database: any TallyDatabase, _ client: any TestClientProtocol
    )
        async throws -> DashboardBrowser
    {
        let owner = try #require(try await AccountService(database: database).user(email: "owner@example.com"))
        _ = try await AccountService(database: database, bcryptCost: 4).createUser(
            email: email, password: password, accountID: owner.accountID, role: role, now: server.clock.now())
        let browser = DashboardBrowser(client)
        let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/login"), "_csrf"))
        let done = try await browser.post("/dashboard/login", [("_csrf", csrf), ("email", email), ("password", password)])
        #expect(done.status == .seeOther && done.headers[.location] == "/dashboard", "\(role) signs in")
        return browser
    }

    static func csrf(_ browser: DashboardBrowser) async throws -> String {
        try #require(DashboardBrowser.field(try await browser.get("/dashboard/keys"), "_csrf"))
    }

    @Test(arguments: TestEngine.available)
    func aMemberCannotMintOrTakeOverKeysOrChangeTheAccount(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { server, database, owner in
            let accountID = try #require(try await AccountService(database: database).user(email: "owner@example.com")).accountID
            let (ownerKey, _) = try await server.keys.create(.init(name: "owner admin", scopes: .admin), accountID: accountID, by: .init(name: "t"))
            let member = try await Self.signedIn(.member, "member@example.com", server, database, owner.client)
            let token = try await Self.csrf(member)
            let keysBefore = try await database.count("api_keys")
            for preset in ["admin"] {
                let minted = try await member.post("/dashboard/keys", [("_csrf", token), ("name", "escalate"), ("preset", preset)])
                #expect(minted.status == .forbidden, "member mints \(preset)")
            }
            let custom = try await member.post(
                "/dashboard/keys", [("_csrf", token), ("name", "escalate"), ("preset", "custom"), ("scope", "keys:write")])
            #expect(custom.status == .forbidden)
            #expect(try await database.count("api_keys") == keysBefore)
            // What a member may do: a read-write key.
            let ok = try await member.post("/dashboard/keys", [("_csrf", token), ("name", "deploy"), ("preset", "read-write")])
            #expect(ok.status == .seeOther && ok.headers[.location] == "/dashboard/keys/shown")
            // The owner's admin key: neither rotated nor revoked by a member.
            let rotate = try await member.post("/dashboard/keys/\(ownerKey.publicID)/rotate", [("_csrf", token), ("grace", "0")])
            #expect(rotate.status == .forbidden)
            let revoke = try await member.post("/dashboard/keys/\(ownerKey.publicID)/revoke", [("_csrf", token), ("confirm", "yes")])
            #expect(revoke.status == .forbidden)
            #expect(try await server.keys.key(publicID: ownerKey.publicID, accountID: accountID).status == .active)
            // Account settings and users are for admins and owners.
            for (path, form) in [
                ("/dashboard/settings/timezone", [("timezone", "Europe/Rome")]), ("/dashboard/settings/blacklist", [("value", "192.0.2.1")]),
                ("/dashboard/settings/users", [("email", "x@example.com"), ("password", Self.password), ("password2", Self.password)]),
                ("/dashboard/settings/webhook", [("url", "https://hooks.example.com/"), ("secret", "a long enough secret")]),
            ] {
                let refused = try await member.post(path, [("_csrf", token)] + form)
                #expect(refused.status == .forbidden, "member \(path)")
            }
            #expect(try await database.count("users") == 2)
            // Links are a member's work.
            let link = try await member.post("/dashboard/links", [("_csrf", token), ("destination", "https://example.com/m"), ("name", "m1")])
            #expect(link.status == .seeOther)
        }
    }

    @Test(arguments: TestEngine.available)
    func aReadOnlyUserChangesNothingAndAnAdminAddsNoOwner(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { server, database, owner in
            let reader = try await Self.signedIn(.readOnly, "reader@example.com", server, database, owner.client)
            let token = try await Self.csrf(reader)
            for page in DashboardTests.pages {
                #expect(try await reader.get(page).status == .ok, "read-only reads \(page)")
            }
            for (path, form) in [
                ("/dashboard/links", [("destination", "https://example.com/r"), ("name", "r1")]),
                ("/dashboard/keys", [("name", "k"), ("preset", "read-only")]),
                ("/dashboard/groups", [("name", "g")]), ("/dashboard/conversions", [("name", "c")]),
            ] {
                let refused = try await reader.post(path, [("_csrf", token)] + form)
                #expect(refused.status == .forbidden, "read-only \(path)")
                #expect(DashboardBrowser.text(refused).contains("Read-only"))
            }
            #expect(try await database.count("datapoints") == 0)
            let admin = try await Self.signedIn(.admin, "admin@example.com", server, database, owner.client)
            let adminToken = try await Self.csrf(admin)
            let asOwner = try await admin.post(
                "/dashboard/settings/users",
                [
                    ("_csrf", adminToken), ("email", "new-owner@example.com"), ("password", Self.password), ("password2", Self.password),
                    ("role", "owner"),
                ])
            #expect(asOwner.status == .forbidden)
            let asMember = try await admin.post(
                "/dashboard/settings/users",
                [
                    ("_csrf", adminToken), ("email", "new-member@example.com"), ("password", Self.password), ("password2", Self.password),
                    ("role", "member"),
                ])
            #expect(asMember.status == .seeOther)
            let roles = try await AccountService(database: database).users(accountID: server.defaults.accountID).map(\.role)
            #expect(!roles.isEmpty)
            #expect(try await database.count("users", where: "role = 'owner'") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func sensitiveActionsNeedAFreshConfirmation(_ engine: TestEngine) async throws {
        let clock = MovableClock(StatsAPITests.start)
        try await DashboardTests.withOwner(engine, clock: clock) { _, database, owner in
            let token = try await Self.csrf(owner)
            clock.advance(minutes: 11)
            // Eleven minutes after signing in: the webhook, an admin key, a new user each ask first; nothing changes.
            let webhook = [("_csrf", token), ("url", "https://hooks.example.com/a"), ("secret", "a long enough secret")]
            let asked = try await owner.post("/dashboard/settings/webhook", webhook)
            #expect(asked.status == .forbidden && DashboardBrowser.text(asked).contains("Confirm it is you"))
            #expect(DashboardBrowser.text(asked).contains("value=\"https://hooks.example.com/a\""), "the form is carried over")
            #expect(try await database.count("accounts", where: "alert_webhook_url IS NOT NULL") == 0)
            let adminKey = try await owner.post("/dashboard/keys", [("_csrf", token), ("name", "root"), ("preset", "admin")])
            #expect(adminKey.status == .forbidden && DashboardBrowser.text(adminKey).contains("Confirm it is you"))
            #expect(try await database.count("api_keys") == 0)
            // A key that cannot manage keys needs no confirmation.
            let plain = try await owner.post("/dashboard/keys", [("_csrf", token), ("name", "reader"), ("preset", "read-only")])
            #expect(plain.status == .seeOther)
            // A wrong password does not confirm; the right one does, and the action goes on.
            let wrong = try await owner.post("/dashboard/settings/webhook", webhook + [("_sudo_password", "not the password")])
            #expect(wrong.status == .unauthorized)
            let confirmed = try await owner.post("/dashboard/settings/webhook", webhook + [("_sudo_password", DashboardTests.password)])
            #expect(confirmed.status == .seeOther)
            #expect(try await database.count("accounts", where: "alert_webhook_url IS NOT NULL") == 1)
            // Within the next 10 minutes no more asking.
            clock.advance(minutes: 5)
            let minted = try await owner.post("/dashboard/keys", [("_csrf", token), ("name", "root"), ("preset", "admin")])
            #expect(minted.status == .seeOther)
        }
    }
}
