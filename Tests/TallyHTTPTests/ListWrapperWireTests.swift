import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The running ClickMeter API answered its aggregated `/list` routes and `/clickstream` with `rows`; its document says
/// `entities`. Both carry the same list, with the real shapes inside (names and JSON types).
@Suite struct ListWrapperWireTests {
    typealias Stats = StatsAPITests

    @Test(arguments: TestEngine.available)
    func aggregatedListsAndTheClickstreamCarryRowsAndEntities(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let link = try await setup.server.link("https://example.com/", name: "rows")
            try await setup.server.application.test(.live) { client in
                #expect(try await client.execute(uri: "/rows", method: .get, headers: [.userAgent: Stats.chrome]).status == .found)
                var json = setup.key
                json[.contentType] = "application/json"
                let group = try #require(
                    Stats.int(
                        try Stats.json(
                            try await client.execute(uri: "/v2/groups", method: .post, headers: json, body: ByteBuffer(string: #"{"name":"g"}"#))),
                        "id"))
                let goal = try #require(
                    Stats.int(
                        try Stats.json(
                            try await client.execute(uri: "/v2/conversions", method: .post, headers: json, body: ByteBuffer(string: #"{"name":"c"}"#))
                        ),
                        "id"))
                let frame = "timeFrame=last7"
                for path in [
                    "/v2/aggregated/list?\(frame)", "/v2/datapoints/aggregated/list?\(frame)&type=tl",
                    "/v2/datapoints/\(link.id)/aggregated/list?\(frame)",
                    "/v2/groups/aggregated/list?\(frame)", "/v2/groups/\(group)/aggregated/list?\(frame)", "/v2/conversions/aggregated/list?\(frame)",
                    "/v2/conversions/\(goal)/aggregated/list?\(frame)&groupBy=week",
                ] {
                    let response = try await client.execute(uri: path, method: .get, headers: setup.key)
                    #expect(response.status == .ok, "\(path)")
                    let body = try Stats.json(response)
                    let rows = try #require(body["rows"] as? [[String: Any]], "\(path)")
                    let entities = try #require(body["entities"] as? [[String: Any]], "\(path)")
                    #expect(!rows.isEmpty, "\(path)")
                    #expect(rows.count == entities.count, "\(path)")
                    #expect(NSArray(array: rows).isEqual(to: entities), "\(path): rows and entities differ")
                    for row in rows {
                        #expect(row["activityDay"] is String, "\(path)")
                        #expect(row["totalClicks"] is NSNumber, "\(path)")
                        #expect(row["entityId"] != nil, "\(path)")
                    }
                }
                let today = try Stats.json(try await client.execute(uri: "/v2/aggregated/list?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int((today["rows"] as? [[String: Any]])?.first ?? [:], "totalClicks") == 1)
                let stream = try Stats.json(try await client.execute(uri: "/v2/clickstream", method: .get, headers: setup.key))
                let hits = try #require(stream["rows"] as? [[String: Any]])
                #expect(hits.count == 1)
                #expect(NSArray(array: hits).isEqual(to: stream["entities"] as? [[String: Any]] ?? []))
                #expect(hits.first?["accessTime"] is String)
            }
        }
    }
}
