import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// A clock the test moves (the 30-minute unique rule, day boundaries).
final class MovableClock: Sendable {
    private let value: Mutex<Int64>

    init(_ start: Int64) { value = Mutex(start) }

    func advance(minutes: Int64) { value.withLock { $0 += minutes * 60_000 } }
    func advance(milliseconds: Int64) { value.withLock { $0 += milliseconds } }
    var wallClock: WallClock { WallClock { self.value.withLock { $0 } } }
}

/// The statistics half of the API through real HTTP: hits made on the real redirect endpoint (durable, so each is
/// committed before its answer), read back from the roll-ups.
@Suite struct StatsAPITests {
    /// 2026-11-29 10:00 UTC.
    static let start = LocalTime.dayNumber(year: 2026, month: 11, day: 29) * LocalTime.dayMilliseconds + 10 * 3_600_000
    static let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"

    struct Setup: Sendable {
        let server: TallyServer
        let database: any TallyDatabase
        let key: HTTPFields
        let clock: MovableClock
    }

    static func withStats(_ engine: TestEngine, _ body: @Sendable (Setup) async throws -> Void) async throws {
        let clock = MovableClock(start)
        let values: [String: ConfigContent] = [
            AppConfiguration.Key.durable: .bool(true), AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32"),
        ]
        try await withTestServer(engine, values, clock: clock.wallClock) { server, database in
            var generous = KeyService.NewKey(name: "stats", scopes: .readWrite)
            generous.ratePerSecond = 10_000
            generous.burst = 100_000
            let (_, key) = try await server.keys.create(generous, accountID: server.defaults.accountID, by: .init(name: "t"))
            try await body(
                Setup(
                    server: server, database: database,
                    key: [HTTPField.Name("X-Clickmeter-Authkey")!: key, HTTPField.Name("X-Forwarded-Proto")!: "https"], clock: clock))
        }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
    }

    static func int(_ object: [String: Any], _ name: String) -> Int? { (object[name] as? NSNumber)?.intValue }

    /// A conversion goal "Sale" (default value 20) made through the API, with `linkID` attached: its id.
    static func goal(_ client: some TestClientProtocol, _ setup: Setup, linkedTo linkID: Int64) async throws -> Int {
        var headers = setup.key
        headers[.contentType] = "application/json"
        let created = try await client.execute(
            uri: "/v2/conversions", method: .post, headers: headers, body: ByteBuffer(string: #"{"name":"Sale","value":20}"#))
        let id = try #require(int(try json(created), "id"))
        let patched = try await client.execute(
            uri: "/v2/conversions/\(id)/datapoints/patch", method: .put, headers: headers,
            body: ByteBuffer(string: #"{"action":"add","id":\#(linkID)}"#))
        #expect(patched.status == .ok)
        return id
    }

    @Test(.enabled(if: HitDetailsTests.available), arguments: TestEngine.available)
    func browsersBotsPreviewsHeadAndPrefetchCountExactlyAndUniquesFollowThe30MinuteRule(_ engine: TestEngine) async throws {
        try await Self.withStats(engine) { setup in
            let link = try await setup.server.link("https://example.com/", name: "s")
            try await setup.server.application.test(.live) { client in
                func visit(_ agent: String, _ extra: HTTPFields = [:], method: HTTPRequest.Method = .get) async throws {
                    var headers: HTTPFields = [.userAgent: agent, HTTPField.Name("CF-IPCountry")!: "IT"]
                    headers.append(contentsOf: extra)
                    #expect(try await client.execute(uri: "/s", method: method, headers: headers).status == .found)
                }
                try await visit(Self.chrome, [.referer: "https://www.google.com/search?q=x", .acceptLanguage: "it-IT,it;q=0.9"])
                try await visit("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
                try await visit("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
                try await visit(Self.chrome, method: .head)
                try await visit(Self.chrome, [HTTPField.Name("Sec-Purpose")!: "prefetch"])
                func totals(_ path: String) async throws -> [String: Any] {
                    let response = try await client.execute(uri: path, method: .get, headers: setup.key)
                    #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
                    return try Self.json(response)
                }
                var today = try await totals("/v2/datapoints/\(link.id)/aggregated?timeFrame=today")
                #expect(Self.int(today, "totalClicks") == 4)
                #expect(Self.int(today, "uniqueClicks") == 1)
                #expect(Self.int(today, "spiderHitsCount") == 3)
                #expect(Self.int(today, "totalViews") == 0)
                #expect(today["entityId"] as? String == "\(link.id)")
                #expect(today["fromDay"] as? String == "20261129000000")
                // The same address 10 minutes later is not unique; 31 minutes after that visit it is again.
                setup.clock.advance(minutes: 10)
                try await visit(Self.chrome)
                setup.clock.advance(minutes: 31)
                try await visit(Self.chrome)
                today = try await totals("/v2/datapoints/\(link.id)/aggregated?timeframe=TODAY&hourly=true")
                #expect(Self.int(today, "totalClicks") == 6)
                #expect(Self.int(today, "uniqueClicks") == 2)
                #expect(Self.int(today, "spiderHitsCount") == 3)
                let hours = today["hourlyBreakDown"] as? [String: [String: Any]] ?? [:]
                #expect(hours.keys.sorted() == ["20261129100000"])
                #expect(Self.int(hours["20261129100000"] ?? [:], "totalClicks") == 6)
                // The account, its series and the report agree.
                let account = try await totals("/v2/aggregated?timeFrame=last7")
                #expect(Self.int(account, "totalClicks") == 6)
                let series = try await totals("/v2/aggregated/list?timeFrame=last7")["entities"] as? [[String: Any]] ?? []
                #expect(series.count == 7)
                #expect(series.map { Self.int($0, "totalClicks") ?? -1 } == [0, 0, 0, 0, 0, 0, 6])
                #expect(series.last?["activityDay"] as? String == "20261129000000")
                let weeks = try await totals("/v2/aggregated/list?timeFrame=last30&groupBy=week")["entities"] as? [[String: Any]] ?? []
                // 31 October (a Saturday) to 29 November: the weeks starting 26 October, 2, 9, 16 and 23 November.
                #expect(weeks.count == 5)
                #expect(weeks.first?["fromDay"] as? String == "20261031000000")
                #expect(weeks.last?["activityDay"] as? String == "20261123000000")
                #expect(Self.int(weeks.last ?? [:], "totalClicks") == 6)
                let browsers = try await totals("/v2/datapoints/\(link.id)/reports?type=browsersfamilies&timeframe=last7")
                let rows = browsers["data"] as? [[String: Any]] ?? []
                #expect(rows.first?["id"] as? String == "Chrome")
                #expect(Self.int(rows.first ?? [:], "totalHits") == 4)
                #expect(Self.int(rows.first ?? [:], "uniqueHits") == 2)
                let countries = try await totals("/v2/reports?type=countries&timeframe=last7&datapoint=\(link.id)")["data"] as? [[String: Any]]
                #expect(countries?.count == 1)
                #expect(countries?.first?["id"] as? String == "IT")
                #expect(Self.int(countries?.first ?? [:], "spiderHits") == 3)
                let languages = try await totals("/v2/reports?type=languages&timeframe=last7")["data"] as? [[String: Any]] ?? []
                #expect(languages.contains { $0["id"] as? String == "it-it" && Self.int($0, "totalHits") == 1 })
                let summary = try await totals("/v2/aggregated/summary/datapoints?timeFrame=last7&type=tl")
                #expect(Self.int(summary, "count") == 1)
                let first = (summary["result"] as? [[String: Any]])?.first ?? [:]
                #expect(Self.int(first, "totalClicks") == 6)
                #expect((first["entityData"] as? [String: Any])?["name"] as? String == "s")
            }
            // Roll-ups and raw hits agree.
            #expect(try await setup.database.count("hits") == 6)
            #expect(
                try await setup.database.count("stats_hourly", where: "entity_kind = 0 AND clicks = 6 AND unique_clicks = 2 AND spider_clicks = 3")
                    == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func hitListsPageByCursorFilterAndExportCSV(_ engine: TestEngine) async throws {
        try await Self.withStats(engine) { setup in
            let link = try await setup.server.link("https://example.com/", name: "h")
            try await setup.server.application.test(.live) { client in
                for index in 0..<5 {
                    setup.clock.advance(minutes: 1)
                    let headers: HTTPFields = [.userAgent: Self.chrome, HTTPField.Name("X-Forwarded-For")!: "203.0.113.\(index < 3 ? 1 : 2)"]
                    #expect(try await client.execute(uri: "/h?n=\(index)", method: .get, headers: headers).status == .found)
                }
                var seen: [String] = []
                var offset = ""
                for expected in [2, 2, 1] {
                    let response = try await client.execute(
                        uri: "/v2/datapoints/\(link.id)/hits?timeframe=today&limit=2" + (offset.isEmpty ? "" : "&offset=\(offset)"), method: .get,
                        headers: setup.key)
                    #expect(response.status == .ok)
                    let page = try Self.json(response)
                    let hits = page["hits"] as? [[String: Any]] ?? []
                    #expect(hits.count == expected)
                    seen += hits.compactMap { $0["queryParams"] as? String }
                    offset = page["lastKey"] as? String ?? ""
                }
                #expect(seen == ["n=4", "n=3", "n=2", "n=1", "n=0"])
                #expect(offset.isEmpty)
                let uniques = try Self.json(
                    try await client.execute(uri: "/v2/hits?timeframe=today&filter=uniques", method: .get, headers: setup.key))
                #expect((uniques["hits"] as? [[String: Any]])?.compactMap { $0["queryParams"] as? String } == ["n=3", "n=0"])
                let first = (uniques["hits"] as? [[String: Any]])?.first ?? [:]
                #expect(first["isUnique"] as? String == "true")
                #expect((first["entity"] as? [String: Any])?["datapointName"] as? String == "h")
                #expect(first["type"] as? String == "click")
                let repeats = try Self.json(
                    try await client.execute(uri: "/v2/hits?timeframe=today&filter=nonuniques", method: .get, headers: setup.key))
                #expect((repeats["hits"] as? [Any])?.count == 3)
                let csv = try await client.execute(uri: "/v2/hits?timeframe=today&format=csv", method: .get, headers: setup.key)
                #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = String(buffer: csv.body).split(separator: "\r\n")
                #expect(lines.count == 6)
                #expect(lines.first?.hasPrefix("id,accessTime,type,datapointId") == true)
                let stream = try Self.json(try await client.execute(uri: "/v2/clickstream?pageSize=3", method: .get, headers: setup.key))
                #expect((stream["entities"] as? [Any])?.count == 3)
                // The live stream from the start (Last-Event-ID 0): the stored hits, oldest first, then it ends at maxEvents.
                var resume = setup.key
                resume[HTTPField.Name("Last-Event-ID")!] = "0"
                let live = try await client.execute(uri: "/v2/clickstream/live?maxEvents=2&maxSeconds=20", method: .get, headers: resume)
                #expect(live.status == .ok)
                #expect(live.headers[.contentType] == "text/event-stream; charset=utf-8")
                let events = String(buffer: live.body).components(separatedBy: "\n\n").filter { $0.contains("event: hit") }
                #expect(events.count == 2)
                #expect(events.first?.contains("\"queryParams\":\"n=0\"") == true)
                var csvHeaders = setup.key
                csvHeaders[.accept] = "text/csv"
                let rows = try await client.execute(uri: "/v2/aggregated/list?timeFrame=last7", method: .get, headers: csvHeaders)
                #expect(String(buffer: rows.body).split(separator: "\r\n").count == 8)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func badStatisticsRequestsGetTheirOwnErrors(_ engine: TestEngine) async throws {
        try await Self.withStats(engine) { setup in
            let link = try await setup.server.link("https://example.com/", name: "e")
            try await setup.server.application.test(.live) { client in
                let cases: [(String, String)] = [
                    ("/v2/aggregated", "timeframe_required"), ("/v2/aggregated?timeFrame=last8", "timeframe_invalid"),
                    ("/v2/aggregated?timeFrame=custom&toDay=20261101", "day_required"),
                    ("/v2/aggregated?timeFrame=custom&fromDay=20261131&toDay=20261201", "day_invalid"),
                    ("/v2/aggregated?timeFrame=custom&fromDay=20261201&toDay=20261101", "range_invalid"),
                    ("/v2/aggregated?timeFrame=last30&hourly=true", "hourly_range_too_long"),
                    ("/v2/aggregated/list?timeFrame=last7&groupBy=year", "group_by_invalid"),
                    ("/v2/aggregated?timeFrame=today&format=xml", "query_invalid"),
                    ("/v2/reports?timeframe=last7&type=isps", "report_type_not_supported"),
                    ("/v2/reports?timeframe=last7&type=colours", "report_type_invalid"),
                    ("/v2/reports?timeframe=last7&type=countries&datapoint=1&group=2", "query_invalid"),
                    ("/v2/datapoints/\(link.id)/hits?timeframe=today&offset=nonsense", "offset_invalid"),
                    ("/v2/hits?timeframe=today&filter=robots", "query_invalid"), ("/v2/clickstream?pageSize=101", "query_invalid"),
                    ("/v2/clickstream/live?filter=conversions", "filter_not_live"),
                    ("/v2/aggregated/summary/datapoints?timeFrame=today", "query_invalid"),
                    ("/v2/aggregated/summary/groups?timeFrame=today&sortBy=colour", "query_invalid"),
                ]
                for (uri, code) in cases {
                    let response = try await client.execute(uri: uri, method: .get, headers: setup.key)
                    #expect(response.status == .badRequest, "\(uri)")
                    let error = (try Self.json(response)["errors"] as? [[String: Any]])?.first
                    #expect(error?["code"] as? String == code, "\(uri): \(String(buffer: response.body))")
                }
                #expect(
                    try await client.execute(uri: "/v2/datapoints/999999/aggregated?timeFrame=today", method: .get, headers: setup.key).status
                        == .notFound)
                #expect(try await client.execute(uri: "/v2/aggregated?timeFrame=today", method: .get).status == .unauthorized)
            }
        }
    }
}
