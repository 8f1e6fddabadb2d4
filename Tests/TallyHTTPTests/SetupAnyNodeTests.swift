import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The first-run setup URL works on every node, not only on the one that printed it, and the owner is created once
/// for the whole installation whichever node's URL is used.
@Suite struct SetupAnyNodeTests {
    static let password = "a long enough password"

    @Test(arguments: TestEngine.available)
    func theSetupURLOfOneNodeWorksOnAnother(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            let configuration = try testConfiguration(database: location)
            let nodeA = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            let nodeB = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            let (tokenA, tokenB) = (try #require(nodeA.setupToken), try #require(nodeB.setupToken))
            #expect(tokenA != tokenB)
            try await nodeA.application.test(.live) { clientA in
                try await nodeB.application.test(.live) { clientB in
                    let onB = DashboardBrowser(clientB)
                    // A's URL, opened on B.
                    let form = try await onB.get("/dashboard/setup?token=\(tokenA)")
                    #expect(form.status == .ok)
                    let csrf = try #require(DashboardBrowser.field(form, "_csrf"))
                    func post(_ second: String) async throws -> TestResponse {
                        try await onB.post(
                            "/dashboard/setup",
                            [("_csrf", csrf), ("token", tokenA), ("email", "owner@example.com"), ("password", Self.password), ("password2", second)])
                    }
                    // A failed attempt gives the tokens back: both URLs still open.
                    #expect(try await post("not the same").status == .badRequest)
                    #expect(try await onB.get("/dashboard/setup?token=\(tokenB)").status == .ok)
                    let created = try await post(Self.password)
                    #expect(created.status == .seeOther && created.headers[.location] == "/dashboard")
                    #expect(try await database.count("users") == 1)
                    // Every node's URL is spent now, on every node.
                    let onA = DashboardBrowser(clientA)
                    for (browser, token) in [(onA, tokenA), (onA, tokenB), (onB, tokenB), (onB, "")] {
                        #expect(try await browser.get("/dashboard/setup?token=\(token)").status == .notFound)
                    }
                    #expect(try await database.count("setup_tokens") == 0)
                    #expect(nodeB.setupToken == nil)
                }
            }
        }
    }

    /// Two setups at the same moment with two nodes' tokens: exactly one spends the tokens.
    @Test(arguments: TestEngine.available)
    func twoSetupsAtOnceSpendTheTokensOnce(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let tokens = SetupTokens(database: database)
            let names = (0..<8).map { "token-\($0)-\(SignInSecrets.token())" }
            for name in names { try await tokens.add(name, now: 1) }
            let spent = try await withThrowingTaskGroup(of: Bool.self) { group in
                for name in names { group.addTask { try await tokens.spend(name) != nil } }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(spent == 1)
            #expect(try await tokens.isOpen(names[0]) == false)
            #expect(try await tokens.spend("not a token") == nil)
        }
    }
}
