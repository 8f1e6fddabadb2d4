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

            var bad = Admin.KeyRequest(email: "owner@example.com", name: "x", scopes: "links:read")
            await #expect(throws: ValidationError.self) { _ = try await admin.createKey(bad, database: database) }
            bad.scopes = "admin"
            bad.expiresIn = "soon"
            await #expect(throws: ValidationError.self) { _ = try await admin.createKey(bad, database: database) }
        }
    }
}
