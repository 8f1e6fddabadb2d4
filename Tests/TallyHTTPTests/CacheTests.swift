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

    /// Two nodes on one database: a change made through one is seen by the other at its next refresh, one second
    /// later on the refresher's clock (moved by hand here, so a busy machine cannot make the test late).
    @Test(arguments: TestEngine.available)
    func anotherNodesChangeIsSeenAtTheNextRefresh(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            // The poll is the safety net when an announcement is missed: PostgreSQL's are turned off to see it
            // (`ChangeNotificationTests` proves they come first).
            let configuration = try testConfiguration([AppConfiguration.Key.changeNotifications: .bool(false)], database: location)
            let refreshClock = ManualClock()
            let nodeA = try await buildApplication(configuration: configuration, database: database, logger: testLogger)
            let nodeB = try await buildApplication(
                configuration: configuration, database: database, timers: ServiceTimers(refresh: refreshClock), logger: testLogger)
            let link = try await nodeA.link("https://example.com", name: "shared")
            try await nodeB.application.test(.router) { client in
                try await client.execute(uri: "/shared", method: .get) { #expect($0.status == .found) }  // cached on B now
                _ = try await nodeA.datapoints.setStatus(id: link.id, to: .paused)  // A cannot touch B's memory
                await refreshClock.waitUntilSleeping(1)  // B's refresher waits for its next round
                try await client.execute(uri: "/shared", method: .head) { #expect($0.status == .found, "B has not refreshed yet") }
                refreshClock.advance(by: .milliseconds(999))
                try await client.execute(uri: "/shared", method: .head) { #expect($0.status == .found, "not before the interval") }
                refreshClock.advance(by: .milliseconds(1))
                await refreshClock.waitUntilSleeping(1)  // the round is done when it sleeps again
                try await client.execute(uri: "/shared", method: .head) { #expect($0.status == .notFound) }
            }
        }
    }
}
