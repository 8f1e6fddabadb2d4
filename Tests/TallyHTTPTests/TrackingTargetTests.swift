import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

@Suite struct TrackingTargetTests {
    @Test func parsesNamesAndPixelSuffixes() throws {
        let link = try #require(TrackingTarget(method: .get, path: "/abc"))
        #expect(link.name == "abc" && !link.askedForGIF && link.couldExist)
        let pixel = try #require(TrackingTarget(method: .head, path: "/abc.gif"))
        #expect(pixel.name == "abc" && pixel.askedForGIF)
        #expect(TrackingTarget(method: .get, path: "/.gif")?.askedForGIF == false)
        #expect(TrackingTarget(method: .get, path: "/bad%20name")?.couldExist == false)
        #expect(TrackingTarget(method: .get, path: "/" + String(repeating: "x", count: 65))?.couldExist == false)
    }

    @Test(arguments: ["/", "", "/a/b", "/health", "/HEALTH", "/v2", "/metrics.gif", "/openapi.json"])
    func otherPathsAreNotForTheTracker(_ path: String) {
        #expect(TrackingTarget(method: .get, path: Substring(path)) == nil)
    }

    @Test func otherMethodsAreNotForTheTracker() {
        #expect(TrackingTarget(method: .post, path: "/abc") == nil)
        #expect(TrackingTarget(method: .delete, path: "/abc") == nil)
    }

    /// With the database gone, a name no datapoint could have still gets the 404 page (nothing was looked up),
    /// while a well-formed unknown name needs the database and says it is unavailable.
    @Test func impossibleNamesNeverReachTheDatabase() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = DatabaseLocation.sqlite(path: folder.appendingPathComponent("db.sqlite").path)
        let database = try await DatabaseOpener.open(location, logger: testLogger)
        let server = try await buildApplication(configuration: try testConfiguration(database: location), database: database, logger: testLogger)
        await database.close()
        try await server.application.test(.router) { client in
            for path in ["/bad%20name", "/" + String(repeating: "x", count: 65), "/a.b"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                }
            }
            try await client.execute(uri: "/wellformed", method: .get) { #expect($0.status == .serviceUnavailable) }
        }
    }
}
