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

/// A click, then the conversion pixel on the thank-you page, then a server's report — counted once per key, credited
/// to the click the attribution cookie names, visible in every aggregated result.
@Suite struct ConversionTrackingTests {
    typealias Stats = StatsAPITests

    @Test(arguments: TestEngine.available)
    func aClickThenItsPixelAndAServerEventAreCreditedAndCountedOnce(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let link = try await setup.server.link("https://shop.example/", name: "buy")
            try await setup.server.application.test(.live) { client in
                var json = setup.key
                json[.contentType] = "application/json"
                let conversionID = try await Stats.goal(client, setup, linkedTo: link.id)
                let goal = try Stats.json(try await client.execute(uri: "/v2/conversions/\(conversionID)", method: .get, headers: setup.key))
                #expect((goal["pixelUrl"] as? String)?.hasSuffix("/cv/\(conversionID).gif") == true)
                #expect((goal["code"] as? String)?.contains("/cv/\(conversionID).js") == true)

                // The click sets both attribution cookies (the first-click one only while none is held).
                let click = try await client.execute(uri: "/buy", method: .get, headers: [.userAgent: Stats.chrome])
                #expect(click.status == .found)
                let cookies = click.headers[values: .setCookie]
                #expect(cookies.count == 2)
                let last = try #require(cookies.first { $0.hasPrefix("ct_lc=") })
                #expect(last.contains("Max-Age=2592000") && last.contains("HttpOnly") && last.contains("SameSite=Lax"))
                let token = String(last.dropFirst(6).prefix { $0 != ";" })
                #expect(ClickToken(token.prefix { $0 != "." })?.datapointID == link.id)
                let again = try await client.execute(uri: "/buy", method: .get, headers: [.userAgent: Stats.chrome, .cookie: "ct_fc=\(token)"])
                #expect(again.headers[values: .setCookie].count == 1)

                // The thank-you page's pixel with the first click's cookie: value 100, commission 10 % of it.
                setup.clock.advance(minutes: 5)
                let pixel = try await client.execute(
                    uri: "/cv/\(conversionID).gif?val=100&comperc=10&order=A1&note=a%26b", method: .get,
                    headers: [.cookie: "ct_lc=\(token)", .userAgent: Stats.chrome])
                #expect(pixel.status == .ok)
                #expect(pixel.headers[.contentType] == "image/gif")
                var totals = try Stats.json(
                    try await client.execute(uri: "/v2/datapoints/\(link.id)/aggregated?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int(totals, "totalClicks") == 2)
                #expect(Stats.int(totals, "conversionsCount") == 1)
                #expect(totals["conversionsValue"] as? Double == 100)
                #expect(totals["commissionsCost"] as? Double == 10)
                #expect(Stats.int(totals, "convertedClicks") == 1)
                #expect(Stats.int(totals, "uniqueConversions") == 1)

                // A server reports another conversion of the same click, twice with one key: counted once.
                var event = json
                event[HTTPField.Name("Idempotency-Key")!] = "order-A2"
                let body = #"{"clickId":"\#(token)","value":50,"commission":5,"parameters":{"order":"A2"}}"#
                let first = try await client.execute(
                    uri: "/v2/conversions/\(conversionID)/events", method: .post, headers: event, body: ByteBuffer(string: body))
                #expect(first.status == .created)
                let firstBody = try Stats.json(first)
                #expect(firstBody["credited"] as? Bool == true)
                #expect(Stats.int(firstBody, "datapointId") == Int(link.id))
                #expect(firstBody["unique"] as? Bool == false)
                let retry = try await client.execute(
                    uri: "/v2/conversions/\(conversionID)/events", method: .post, headers: event, body: ByteBuffer(string: body))
                #expect(retry.status == .ok)
                #expect(try Stats.json(retry)["duplicate"] as? Bool == true)
                totals = try Stats.json(
                    try await client.execute(uri: "/v2/datapoints/\(link.id)/aggregated?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int(totals, "conversionsCount") == 2)
                #expect(totals["conversionsValue"] as? Double == 150)
                #expect(totals["commissionsCost"] as? Double == 15)
                #expect(Stats.int(totals, "uniqueConversions") == 1)
                #expect(Stats.int(totals, "convertedClicks") == 1)
                let goalTotals = try Stats.json(
                    try await client.execute(uri: "/v2/conversions/\(conversionID)/aggregated?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int(goalTotals, "conversionsCount") == 2)
                #expect(Stats.int(goalTotals, "totalClicks") == 2)
                let account = try Stats.json(try await client.execute(uri: "/v2/aggregated?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int(account, "conversionsCount") == 2)

                // The converted click carries its conversions; the goal's report ranks its links.
                let converted = try Stats.json(
                    try await client.execute(uri: "/v2/hits?timeframe=today&filter=conversions", method: .get, headers: setup.key))
                let hits = converted["hits"] as? [[String: Any]] ?? []
                #expect(hits.count == 1)
                #expect((hits.first?["conversions"] as? [Any])?.count == 2)
                #expect((hits.first?["conversion1"] as? [String: Any])?["parameter"] as? String == "note=a%26b&order=A1")
                let report = try Stats.json(
                    try await client.execute(
                        uri: "/v2/conversions/\(conversionID)/reports?type=datapoints&timeframe=today", method: .get, headers: setup.key))
                #expect((report["data"] as? [[String: Any]])?.first?["id"] as? String == "\(link.id)")
                #expect(Stats.int((report["data"] as? [[String: Any]])?.first ?? [:], "totalConversions") == 2)

                // Without a cookie the conversion counts for the goal only; bad amounts and unknown goals are refused.
                #expect(try await client.execute(uri: "/cv/\(conversionID).gif?val=7", method: .get).status == .ok)
                let bad = try await client.execute(uri: "/cv/\(conversionID).gif?val=1e3", method: .get)
                #expect(bad.status == .badRequest)
                #expect((try Stats.json(bad)["errors"] as? [[String: Any]])?.first?["code"] as? String == "amount_invalid")
                #expect(try await client.execute(uri: "/cv/999999.gif", method: .get).status == .notFound)
                let script = try await client.execute(uri: "/cv/\(conversionID).js", method: .get)
                #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: script.body).contains("ClickMeter_conversion_commission_percentage"))
                let garbage = try await client.execute(
                    uri: "/v2/conversions/\(conversionID)/events", method: .post, headers: json, body: ByteBuffer(string: #"{"clickId":"x"}"#))
                #expect((try Stats.json(garbage)["errors"] as? [[String: Any]])?.first?["code"] as? String == "click_id_invalid")
            }
            #expect(try await setup.database.count("conversion_events") == 3)
            #expect(try await setup.database.count("conversion_events", where: "datapoint_id IS NULL") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func aLinkPassesItsClickIdToTheDestinationWhenAsked(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            try await setup.server.application.test(.live) { client in
                var json = setup.key
                json[.contentType] = "application/json"
                let created = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: json,
                    body: ByteBuffer(string: #"{"type":0,"name":"pass","typeTL":{"url":"https://shop.example/p?x=1","clickIdParameter":"ctclid"}}"#))
                #expect(created.status == .ok, "\(String(buffer: created.body))")
                let click = try await client.execute(uri: "/pass?utm=a", method: .get)
                let location = click.headers[.location] ?? ""
                #expect(location.hasPrefix("https://shop.example/p?x=1&utm=a&ctclid="), "\(location)")
                #expect(ClickToken((location.components(separatedBy: "ctclid=").last ?? "").prefix { $0 != "." }) != nil)
                let refused = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: json,
                    body: ByteBuffer(string: #"{"type":0,"name":"pass2","typeTL":{"url":"https://shop.example/","clickIdParameter":"a b"}}"#))
                #expect(refused.status == .badRequest)
            }
            #expect(try await setup.database.count("hits", where: "click_id <> 0") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func aTimeZoneChangeMovesHitsToTheirLocalDays(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let link = try await setup.server.link("https://example.com/", name: "tz")
            try await setup.server.application.test(.live) { client in
                // 10:00 and 20:00 UTC on 29 November: in Tokyo (UTC+9) the second is already 30 November.
                #expect(try await client.execute(uri: "/tz", method: .get).status == .found)
                setup.clock.advance(minutes: 600)
                #expect(
                    try await client.execute(uri: "/tz", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"]).status == .found
                )
                let before = try await Self.dailyRows(setup.database)
                var json = setup.key
                json[.contentType] = "application/json"
                // Rebuilding on the same zone gives exactly what the writer kept incrementally.
                #expect(
                    try await client.execute(uri: "/v2/account", method: .post, headers: json, body: ByteBuffer(string: #"{"timezonename":"UTC"}"#))
                        .status == .ok)
                #expect(try await Self.dailyRows(setup.database) == before)
                let changed = try await client.execute(
                    uri: "/v2/account", method: .post, headers: json, body: ByteBuffer(string: #"{"timezonename":"Asia/Tokyo"}"#))
                #expect(try Stats.json(changed)["timezonename"] as? String == "Asia/Tokyo")
                let list = try Stats.json(
                    try await client.execute(
                        uri: "/v2/datapoints/\(link.id)/aggregated/list?timeFrame=custom&fromDay=20261129&toDay=20261130", method: .get,
                        headers: setup.key))
                let days = (list["entities"] as? [[String: Any]] ?? []).map { Stats.int($0, "totalClicks") ?? -1 }
                #expect(days == [1, 1])
                let countries = try Stats.json(
                    try await client.execute(
                        uri: "/v2/reports?type=countries&timeframe=custom&fromDay=20261130&toDay=20261130", method: .get, headers: setup.key))
                #expect(Stats.int((countries["data"] as? [[String: Any]])?.first ?? [:], "totalHits") == 1)
                let refused = try await client.execute(
                    uri: "/v2/account", method: .post, headers: json, body: ByteBuffer(string: #"{"timezonename":"Mars/Olympus"}"#))
                #expect(refused.status == .badRequest)
            }
        }
    }

    static func dailyRows(_ database: any TallyDatabase) async throws -> [String] {
        try await database.read { db in
            try await db.raw("SELECT entity_kind, entity_id, dimension, day, value, clicks, unique_clicks FROM stats_daily ORDER BY 1, 2, 3, 4, 5")
                .all()
                .map { row in
                    "\(try row.decode(column: "entity_kind", as: Int.self)) \(try row.decode(column: "entity_id", as: Int64.self)) \(try row.decode(column: "dimension", as: Int.self)) \(try row.decode(column: "day", as: Int64.self)) \(try row.decode(column: "value", as: String.self)) \(try row.decode(column: "clicks", as: Int64.self)) \(try row.decode(column: "unique_clicks", as: Int64.self))"
                }
        }
    }
}
