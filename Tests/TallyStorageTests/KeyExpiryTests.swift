import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct KeyExpiryTests {
    @Test(arguments: TestEngine.available)
    func anExpiredKeyGetsOneAuditEntry(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "e@example.com", password: "long enough pass", now: 1)
            let hasher = APIKeyHasher(pepper: Array("pepper".utf8))
            var new = KeyService.NewKey(name: "short-lived", scopes: .readOnly)
            new.expiresAt = 2_000
            let (key, _) = try await KeyService(database: database, hasher: hasher, clock: .fixed(1_000)).create(
                new, accountID: user.accountID, by: .init(name: "t"))
            let logger = testLogger
            #expect(try await KeyExpirySweeper(database: database, clock: .fixed(1_999), logger: logger).sweep() == 0)
            #expect(try await KeyExpirySweeper(database: database, clock: .fixed(2_000), logger: logger).sweep() == 1)
            #expect(try await KeyExpirySweeper(database: database, clock: .fixed(9_000), logger: logger).sweep() == 0)
            let audit = try await SQLKeyEventRepository(database: database).audit(accountID: user.accountID)
            #expect(audit.map(\.event) == ["expired", "created"])
            #expect(audit.first?.keyID == key.id && audit.first?.createdAt == 2_000)
        }
    }
}
