import Configuration
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

@Suite struct CacheTests {
    @Test(arguments: TestEngine.available)
    func localChangesShowAtOnce(_ engine: TestEngine) async throws {
        try await withTestServer(engine) { server, _ in
            try await server.application.test(.router) { client in
                try await client.execute(uri: "/later", method: .get) { #expect($0.status == .notFound) }  // remembered as missing
                let link = try await server.link("https://example.com", name: "later")
                try await client.execute(uri: "/later", method: .get) { #expect($0.status == .found) }
                _ = try await server.datapoints.setStatus(id: link.id, to: .paused)
                try await client.execute(uri: "/later", method: .get) { #expect($0.status == .notFound) }
            }
        }
    }

    /// Two nodes on one database: a change made through one is seen by the other within 2 seconds.
    @Test(arguments: TestEngine.available)
    func anotherNodesChangeIsSeenWithinTwoSeconds(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            let configuration = try testConfiguration(database: location)
            let nodeA = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            let nodeB = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            let link = try await nodeA.link("https://example.com", name: "shared")
            try await nodeB.application.test(.router) { client in
                try await client.execute(uri: "/shared", method: .get) { #expect($0.status == .found) }  // cached on B now
                _ = try await nodeA.datapoints.setStatus(id: link.id, to: .paused)  // A cannot touch B's memory
                let start = ContinuousClock.now
                var status = HTTPResponse.Status.found
                while status == .found, ContinuousClock.now - start < .seconds(3) {
                    try await Task.sleep(for: .milliseconds(100))
                    status = try await client.execute(uri: "/shared", method: .head) { $0.status }
                }
                #expect(status == .notFound)
                #expect(ContinuousClock.now - start < .seconds(2))
            }
        }
    }
}
