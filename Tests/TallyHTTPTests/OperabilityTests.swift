import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct OperabilityTests {
    @Test(arguments: TestEngine.available)
    func healthReportsTheDatabaseAndTheWriter(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, _ in
            try await server.application.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                    #expect(response.text == #"{"bufferedHits":0,"database":"ok","writerLagMs":0}"#)
                }
            }
        }
    }

    @Test func healthIs503WhenTheDatabaseIsGone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = DatabaseLocation.sqlite(path: folder.appendingPathComponent("db.sqlite").path)
        let database = try await DatabaseOpener.open(location, logger: testLogger)
        let server = try await buildApplication(
            configuration: try testConfiguration(database: location), database: database, logger: testLogger)
        await database.close()
        try await server.application.test(.router) { client in
            let response = try await client.execute(uri: "/health", method: .get) { $0 }
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json()["database"] as? String == "unreachable")
        }
    }

    @Test(arguments: TestEngine.available)
    func metricsCountRedirectsAndWrittenHits(_ engine: TestEngine) async throws {
        try await withTestServer(engine, ["durable": .bool(true)]) { server, _ in
            try await server.link("https://example.com", name: "abc")
            try await server.application.test(.router) { client in
                for _ in 0..<3 { try await client.execute(uri: "/abc", method: .get) { _ in } }
                try await client.execute(uri: "/missing", method: .get) { _ in }
                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    let text = response.text
                    #expect(text.contains(#"clicktally_tracking_responses_total{status="302"} 3"#))
                    #expect(text.contains(#"clicktally_tracking_responses_total{status="404"} 1"#))
                    #expect(text.contains("clicktally_hits_written_total 3"))
                    #expect(text.contains("clicktally_hit_buffer_depth 0"))
                    #expect(text.contains("clicktally_hit_commit_seconds_count"))
                    #expect(text.contains("clicktally_hit_batch_size_count"))
                }
            }
        }
    }
}
