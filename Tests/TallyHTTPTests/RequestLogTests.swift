import Configuration
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct RequestLogTests {
    @Test func oneLinePerRequestWithItsIDAndNeverTheQuery() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, location in
            let capture = LogCapture()
            let server = try await buildApplication(
                configuration: try testConfiguration(database: location), database: database, logger: capture.logger())
            try await server.link("https://example.com", name: "abc")
            try await server.application.test(.router) { client in
                try await client.execute(uri: "/abc?token=s3cr3t-value", method: .get) { #expect($0.status == .found) }
                try await client.execute(uri: "/health", method: .get) { #expect($0.status == .ok) }
            }
            let lines = capture.all.filter { $0.message == "request" }
            let paths = lines.map { $0.metadata["path"] ?? "" }
            let statuses = lines.map { $0.metadata["status"] ?? "" }
            #expect(paths == ["/abc", "/health"])
            #expect(statuses == ["302", "200"])
            let ids = lines.compactMap { $0.metadata["hb.request.id"] }
            #expect(ids.count == 2 && Set(ids).count == 2)
            let everything = capture.all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!everything.contains("s3cr3t"))
        }
    }
}

extension RequestLogTests {
    /// The channel-pipeline fast path logs the same one line, with its own request id.
    @Test func theFastPathLogsToo() async throws {
        try await withMigratedTestDatabase(.sqlite) { database, location in
            let capture = LogCapture()
            let server = try await buildApplication(
                configuration: try testConfiguration(["port": .int(0)], database: location), database: database,
                logger: capture.logger())
            try await server.link("https://example.com", name: "abc")
            try await server.application.test(.live) { client in
                for _ in 0..<3 {
                    try await client.execute(uri: "/abc?key=hidden-value", method: .get) { #expect($0.status == .found) }
                }
                // The first request loaded the link by the routed path; the other two took the fast path.
                let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                #expect(metrics.contains("clicktally_tracking_fast_path_answers_total 2"))
            }
            let lines = capture.all.filter { $0.message == "request" && $0.metadata["path"] == "/abc" }
            let paths = lines.map { $0.metadata["path"] ?? "" }
            #expect(paths == ["/abc", "/abc", "/abc"])
            let ids = Set(lines.compactMap { $0.metadata["hb.request.id"] })
            #expect(ids.count == 3)
            let everything = capture.all.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!everything.contains("hidden-value"))
        }
    }
}

@Suite struct StartupTests {
    @Test(arguments: TestEngine.available)
    func refusesToServeADatabaseFromANewerBinary(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            try await database.transaction { db in
                try await db.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").run()
            }
            await #expect(throws: MigrationError.schemaNewer(databaseVersion: 999, binaryVersion: Migrations.latestVersion)) {
                _ = try await buildApplication(configuration: try testConfiguration(database: location), database: database, logger: testLogger)
            }
        }
    }
}
