import Configuration
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The functions behind `clicktally users create` and `clicktally keys …`.
@Suite struct AdminKeysTests {
    @Test(arguments: TestEngine.available)
    func usersAndKeysLifecycleThroughTheCLIFunctions(_ engine: TestEngine) async throws {
        try await withTestDatabase(engine) { database, location in
            let admin = Admin(configuration: try testConfiguration(["autoMigrate": .bool(true)], database: location), logger: testLogger)
            let owner = try await admin.createUser(email: "Owner@Example.com", password: "a long enough password", accountID: nil, database: database)
            #expect(owner.email == "owner@example.com")
            let colleague = try await admin.createUser(
                email: "colleague@example.com", password: "another long password", accountID: owner.accountID, database: database)
            #expect(colleague.accountID == owner.accountID)
            await #expect(throws: ValidationError.self) {
                _ = try await admin.createUser(email: "owner@example.com", password: "a long enough password", accountID: nil, database: database)
            }
            await #expect(throws: ValidationError.self) {
                _ = try await admin.createUser(email: "short@example.com", password: "short", accountID: nil, database: database)
            }
            // bcrypt, and the same answer for a wrong password and an unknown e-mail.
            let accounts = AccountService(database: database)
            #expect(try await accounts.authenticate(email: "owner@example.com", password: "a long enough password")?.id == owner.id)
            #expect(try await accounts.authenticate(email: "owner@example.com", password: "wrong password!!") == nil)
            #expect(try await accounts.authenticate(email: "nobody@example.com", password: "a long enough password") == nil)

            var request = Admin.KeyRequest(email: "owner@example.com", name: "deploy", scopes: "datapoints:read,stats:read")
            request.expiresIn = "90d"
            request.allowIP = ["203.0.113.0/24"]
            request.ratePerSecond = 5
            request.burst = 7
            let (key, fullKey) = try await admin.createKey(request, database: database)
            #expect(key.ratePerSecond == 5 && key.burst == 7)
            #expect(APIKeyToken(parsing: fullKey)?.publicID == key.publicID)
            #expect(key.scopes.description == "datapoints:read,stats:read")
            #expect(key.allowedNetworks.map(\.description) == ["203.0.113.0/24"])
            #expect(try await admin.listKeys(email: "colleague@example.com", database: database).map(\.publicID) == [key.publicID])
            let (rotated, newKey) = try await admin.rotateKey(publicID: key.publicID, grace: "0", database: database)
            #expect(newKey != fullKey && rotated.previousSecretHash == nil)
            #expect(try await admin.revokeKey(publicID: key.publicID, database: database).status == .revoked)
            #expect(try await admin.showKey(publicID: key.publicID, database: database).revokedAt != nil)

            // Link commands act on the chosen account and cannot see or touch another's links.
            let configuration = try testConfiguration(["autoMigrate": .bool(true)], database: location)
            let asOwner = Admin(configuration: configuration, logger: testLogger, account: .email("owner@example.com"))
            let asColleague = Admin(configuration: configuration, logger: testLogger, account: .id(colleague.accountID))
            let stranger = try await admin.createUser(
                email: "stranger@example.com", password: "yet another password", accountID: nil, database: database)
            let asStranger = Admin(configuration: configuration, logger: testLogger, account: .email(stranger.email))
            let link = try await asOwner.createLink(.init(destination: "https://example.com/team", name: "team"), database: database)
            #expect(link.datapoint.accountID == owner.accountID)
            #expect(try await asColleague.listLinks(includeDeleted: false, database: database).map(\.datapoint.name) == ["team"])
            // Without --email/--account the CLI uses the installation's first account: here, the owner's.
            #expect(try await admin.listLinks(includeDeleted: false, database: database).map(\.datapoint.name) == ["team"])
            #expect(try await asStranger.listLinks(includeDeleted: false, database: database).isEmpty)
            await #expect(throws: ValidationError.self) { _ = try await asStranger.setStatus(name: "team", to: .paused, database: database) }
            #expect(try await asColleague.setStatus(name: "team", to: .paused, database: database).datapoint.status == .paused)
            let nobody = Admin(configuration: configuration, logger: testLogger, account: .email("nobody@example.com"))
            await #expect(throws: ValidationError.self) { _ = try await nobody.listLinks(includeDeleted: false, database: database) }

            var bad = Admin.KeyRequest(email: "owner@example.com", name: "x", scopes: "links:read")
            await #expect(throws: ValidationError.self) { _ = try await admin.createKey(bad, database: database) }
            bad.scopes = "admin"
            bad.expiresIn = "soon"
            await #expect(throws: ValidationError.self) { _ = try await admin.createKey(bad, database: database) }
        }
    }
}
