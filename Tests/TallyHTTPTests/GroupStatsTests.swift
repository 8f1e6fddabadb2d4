import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// A group's figures over HTTP come from the groups' own roll-ups (migration 23): the summary of groups, the groups'
/// aggregate and one group's aggregate and series follow a link moved through the API, keep a deleted link's hits, and
/// a key limited to one group reads that group's figures only.
@Suite struct GroupStatsTests {
    typealias Stats = StatsAPITests

    @Test(arguments: TestEngine.available)
    func groupFiguresFollowAMoveThroughTheAPI(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            try await setup.server.application.test(.live) { client in
                var json = setup.key
                json[.contentType] = "application/json"
                func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, key: HTTPFields? = nil) async throws -> [String: Any] {
                    let response = try await client.execute(uri: uri, method: method, headers: key ?? json, body: body.map { ByteBuffer(string: $0) })
                    #expect(response.status == .ok, "\(method) \(uri): \(String(buffer: response.body))")
                    return try Stats.json(response)
                }
                let north = try #require(try await call(.post, "/v2/groups", #"{"name":"north"}"#)["id"] as? Int)
                let south = try #require(try await call(.post, "/v2/groups", #"{"name":"south"}"#)["id"] as? Int)
                var links: [String: Int] = [:]
                for (name, group) in [("n1", north), ("n2", north), ("s1", south)] {
                    let created = try await call(
                        .post, "/v2/groups/\(group)/datapoints", #"{"type":"TL","name":"\#(name)","typeTL":{"url":"https://e.com/\#(name)"}}"#)
                    links[name] = try #require(created["id"] as? Int)
                }
                for (path, times) in [("/n1", 2), ("/n2", 1), ("/s1", 4)] {
                    setup.clock.advance(minutes: 1)
                    for _ in 0..<times {
                        #expect(try await client.execute(uri: path, method: .get, headers: [.userAgent: Stats.chrome]).status == .found)
                    }
                }
                func summary(key: HTTPFields? = nil) async throws -> [String: Int] {
                    let rows = try await call(.get, "/v2/aggregated/summary/groups?timeFrame=today", key: key)["result"] as? [[String: Any]] ?? []
                    var clicks: [String: Int] = [:]
                    for row in rows {
                        let name = (row["entityData"] as? [String: Any])?["groupName"] as? String ?? "?"
                        clicks[name] = Stats.int(row, "totalClicks")
                    }
                    return clicks
                }
                func total(_ path: String, key: HTTPFields? = nil) async throws -> Int? {
                    Stats.int(try await call(.get, "\(path)?timeFrame=today", key: key), "totalClicks")
                }
                func check(_ expected: [String: Int], _ moment: String) async throws {
                    #expect(try await summary() == expected, "\(moment)")
                    #expect(try await total("/v2/groups/aggregated") == expected.values.reduce(0, +), "\(moment)")
                    #expect(try await total("/v2/groups/\(north)/aggregated") == expected["north"], "\(moment)")
                    #expect(try await total("/v2/groups/\(south)/aggregated") == expected["south"], "\(moment)")
                    let series = try await call(.get, "/v2/groups/\(south)/aggregated/list?timeFrame=today&hourly=true")["rows"] as? [[String: Any]]
                    #expect(series?.compactMap { Stats.int($0, "totalClicks") }.reduce(0, +) == expected["south"], "\(moment)")
                }
                try await check(["north": 3, "south": 4], "as clicked")
                // n1 (2 clicks) moves to south through the API: its history goes with it.
                _ = try await call(.post, "/v2/datapoints/\(links["n1"]!)", #"{"groupId":\#(south)}"#)
                #expect(try await call(.get, "/v2/datapoints/\(links["n1"]!)")["groupId"] as? Int == south)
                try await check(["north": 1, "south": 6], "n1 moved to south")
                // A deleted link's hits stay its group's.
                _ = try await call(.delete, "/v2/datapoints/\(links["s1"]!)")
                try await check(["north": 1, "south": 6], "s1 deleted")
                // Ranked by clicks and paged: only the page's groups come whole (name, live links), the count is every group's.
                let second = try await call(
                    .get, "/v2/aggregated/summary/groups?timeFrame=today&sortBy=totalclicks&sortDirection=desc&limit=1&offset=1")
                #expect(Stats.int(second, "count") == 2)
                let row = try #require((second["result"] as? [[String: Any]])?.first)
                let data = row["entityData"] as? [String: Any]
                #expect(data?["groupName"] as? String == "north" && Stats.int(data ?? [:], "linksCount") == 1 && Stats.int(row, "totalClicks") == 1)
                func order(_ sort: String) async throws -> [String] {
                    let rows = try await call(.get, "/v2/aggregated/summary/groups?timeFrame=today&\(sort)")["result"] as? [[String: Any]]
                    return rows?.compactMap { ($0["entityData"] as? [String: Any])?["groupName"] as? String } ?? []
                }
                #expect(try await order("sortBy=name") == ["north", "south"])
                #expect(try await order("sortBy=id&sortDirection=desc") == ["south", "north"])
                #expect(try await order("sortBy=lastHitDate") == ["south", "north"], "s1 was clicked last")
                #expect(try await order("sortBy=totalclicks&sortDirection=asc") == ["north", "south"])
                _ = try await call(.put, "/v2/groups/\(south)/favourite")
                let favourites = try await call(.get, "/v2/aggregated/summary/groups?timeFrame=today&favourite=true")["result"] as? [[String: Any]]
                #expect(favourites?.compactMap { ($0["entityData"] as? [String: Any])?["groupName"] as? String } == ["south"])
                // A key limited to north reads north's figures only, whichever groups it asks for.
                var limited = KeyService.NewKey(name: "north only", scopes: .readWrite)
                limited.groupIDs = [Int64(north)]
                let (_, secret) = try await setup.server.keys.create(limited, accountID: setup.server.defaults.accountID, by: .init(name: "t"))
                var northKey = setup.key
                northKey[HTTPField.Name("X-Clickmeter-Authkey")!] = secret
                #expect(try await summary(key: northKey) == ["north": 1])
                #expect(try await total("/v2/groups/aggregated", key: northKey) == 1)
            }
        }
    }
}
