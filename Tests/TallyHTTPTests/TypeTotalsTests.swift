import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// `type=tl` (or `tp`) over a whole account reads the account's per-type roll-up (`StatsEntity.accountLinks`,
/// `.accountPixels`): it must always hold the sums of that type's datapoints, whichever way the figures came (the hit
/// writer, a conversion pixel credited to a click, a server event credited to no link) and after a rebuild.
@Suite struct TypeTotalsTests {
    typealias Stats = StatsAPITests

    @Test(arguments: TestEngine.available)
    func typeTotalsEqualTheirDatapointsSumsBeforeAndAfterARebuild(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let link = try await setup.server.link("https://shop.example/", name: "buy")
            try await setup.server.link("https://shop.example/other", name: "other")
            try await setup.server.pixel(name: "px")
            try await setup.server.application.test(.live) { client in
                let conversionID = try await Stats.goal(client, setup, linkedTo: link.id)
                for path in ["/buy", "/buy", "/other", "/px", "/px", "/px"] {
                    #expect([.found, .ok].contains(try await client.execute(uri: path, method: .get, headers: [.userAgent: Stats.chrome]).status))
                }
                // A conversion credited to a click of "buy", and one the server reports for no link.
                let click = try await client.execute(uri: "/buy", method: .get, headers: [.userAgent: Stats.chrome])
                let cookie = try #require(click.headers[values: .setCookie].first { $0.hasPrefix("ct_lc=") }?.prefix { $0 != ";" })
                setup.clock.advance(minutes: 2)
                #expect(
                    try await client.execute(uri: "/cv/\(conversionID).gif?val=50", method: .get, headers: [.cookie: String(cookie)]).status
                        == .ok)
                #expect(try await client.execute(uri: "/cv/\(conversionID).gif?val=7", method: .get).status == .ok)

                func totals(_ query: String) async throws -> [String: Any] {
                    try Stats.json(
                        try await client.execute(uri: "/v2/datapoints/aggregated?timeFrame=today&\(query)", method: .get, headers: setup.key))
                }
                func check(_ moment: String) async throws {
                    let links = try await totals("type=tl")
                    #expect(Stats.int(links, "totalClicks") == 4, "\(moment)")
                    #expect(Stats.int(links, "totalViews") == 0, "\(moment)")
                    #expect(Stats.int(links, "conversionsCount") == 1, "\(moment): the event credited to no link is not a link's")
                    #expect(links["conversionsValue"] as? Double == 50, "\(moment)")
                    let pixels = try await totals("type=tp")
                    #expect(Stats.int(pixels, "totalViews") == 3 && Stats.int(pixels, "totalClicks") == 0, "\(moment)")
                    // The same filters read datapoint by datapoint (a creation bound every datapoint meets) agree field by field.
                    for type in ["tl", "tp"] {
                        let fast = try await totals("type=\(type)")
                        let slow = try await totals("type=\(type)&createdAfter=20000101")
                        for field in ["totalClicks", "totalViews", "uniqueClicks", "uniqueViews", "conversionsCount", "convertedClicks"] {
                            #expect(Stats.int(fast, field) == Stats.int(slow, field), "\(moment) \(type) \(field)")
                        }
                        #expect(fast["conversionsValue"] as? Double == slow["conversionsValue"] as? Double, "\(moment) \(type)")
                    }
                }
                try await check("as written")
                // Every per-type row is its datapoints' sum, in SQL too.
                let drift = try await setup.database.read { db in
                    try await db.raw(
                        """
                        SELECT COUNT(*) AS n FROM stats_hourly t WHERE t.entity_kind IN (3, 4) AND t.clicks + t.views + t.conversions <> \
                        (SELECT COALESCE(SUM(h.clicks + h.views + h.conversions), 0) FROM stats_hourly h JOIN datapoints d ON d.id = h.entity_id \
                        WHERE h.entity_kind = 1 AND h.hour_ms = t.hour_ms AND d.account_id = t.entity_id \
                        AND d.type = CASE WHEN t.entity_kind = 3 THEN 0 ELSE 1 END)
                        """
                    ).first(decodingColumn: "n", as: Int.self)
                }
                #expect(drift == 0)
                #expect(try await setup.database.count("stats_hourly", where: "entity_kind IN (3, 4)") == 2)
                _ = try await StatsRebuilder(database: setup.database).rebuildAll(now: setup.clock.wallClock.now())
                try await check("after a rebuild")
                #expect(try await setup.database.count("stats_hourly", where: "entity_kind IN (3, 4)") == 2)
            }
        }
    }
}
