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

    /// On PostgreSQL the sweep runs on one node at a time: while another node holds the job (its advisory lock, taken
    /// here on a connection of the test's), a round writes nothing; when that node's connection dies, the next round
    /// of any node does the work.
    @Test(arguments: TestEngine.available.filter { $0 == .postgres })
    func oneNodeSweepsAtATimeAndAnotherTakesOverWhenItDies(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "once@example.com", password: "long enough pass", now: 1)
            var new = KeyService.NewKey(name: "short-lived", scopes: .readOnly)
            new.expiresAt = 2_000
            _ = try await KeyService(database: database, hasher: APIKeyHasher(pepper: Array("pepper".utf8)), clock: .fixed(1_000)).create(
                new, accountID: user.accountID, by: .init(name: "t"))
            let sweeper = KeyExpirySweeper(database: database, clock: .fixed(3_000), logger: testLogger)
            func expired() async throws -> Int {
                try await SQLKeyEventRepository(database: database).audit(accountID: user.accountID).filter { $0.event == "expired" }.count
            }
            // Another node mid-sweep: this round leaves it alone.
            try await database.transaction { db in
                try await db.raw("SELECT pg_advisory_xact_lock(hashtext(current_schema()), 1)").run()  // `ClusterJobLock.keyExpiry`
                #expect(try await sweeper.sweep() == 0)
            }
            #expect(try await expired() == 0)
            // A node holding it dies (its backend ends): the next round sweeps.
            let (backends, backend) = AsyncStream.makeStream(of: Int32.self)
            let holder = Task {
                // The holding node's connection stays busy (as a node's does mid-round) until its backend is ended.
                try await database.read { db in
                    try await db.raw("SELECT pg_advisory_lock(hashtext(current_schema()), 1)").run()
                    backend.yield(try await db.raw("SELECT pg_backend_pid() AS pid").first(decodingColumn: "pid", as: Int32.self) ?? 0)
                    try await db.raw("SELECT pg_sleep(60)").run()
                }
            }
            var holders = backends.makeAsyncIterator()
            let pid = try #require(await holders.next())
            #expect(try await sweeper.sweep() == 0)
            _ = try await database.read { db in try await db.raw("SELECT pg_terminate_backend(\(bind: pid), 5000)").run() }
            await #expect(throws: (any Error).self) { try await holder.value }  // its connection ended
            #expect(try await sweeper.sweep() == 1)
            #expect(try await expired() == 1)
        }
    }
}
