import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyImport
import TallyStorage
import TallyTestSupport
import Testing

/// The importers whose sources cannot run here, against fixtures built from the sources' published formats: Shlink's
/// REST API v3 (served by a small server speaking its JSON), YOURLS's tables in a MySQL dump, Bitly's CSV link export;
/// and ClickTally's own CSV columns. Each fixture goes through `SnapshotWriter` into a real database, both engines.
@Suite struct OtherSourcesImportTests {
    static func write(_ snapshot: AccountSnapshot, _ engine: TestEngine, source: String = "fixture") async throws -> (ImportSummary, AccountSnapshot)
    {
        try await withTestServer(engine) { server, database in
            let writer = SnapshotWriter(
                database: database, accountID: server.defaults.accountID, systemDomain: server.defaults.systemDomain, service: server.datapoints,
                options: .init(source: source))
            let summary = try await writer.write(snapshot)
            return (summary, try await SnapshotReader(database: database, accountID: server.defaults.accountID).read(history: true))
        }
    }

    @Test func csvRowsAreCheckedWithTheirLines() throws {
        #expect(throws: CSVTable.ParseError(line: 1, reason: "unknown column colour; the columns are \(CSVSource.columns.joined(separator: ", "))")) {
            _ = try CSVSource.snapshot("name,destination,colour\na,https://e.example/,red\n")
        }
        #expect(throws: CSVTable.ParseError(line: 4, reason: "'a' is also on line 2")) {
            _ = try CSVSource.snapshot("name,destination\na,https://e.example/1\nb,https://e.example/2\na,https://e.example/3\n")
        }
        #expect(throws: CSVTable.ParseError(line: 3, reason: "redirect '303' is not 301, 302 or 307")) {
            _ = try CSVSource.snapshot("name,destination,redirect\na,https://e.example/,301\nb,https://e.example/,303\n")
        }
        #expect(throws: CSVTable.ParseError(line: 2, reason: "a quoted field is never closed")) {
            _ = try CSVSource.snapshot("name,destination\n\"a,https://e.example/\n")
        }
        // Quoted commas, quotes and a line break inside a field; the row after it is numbered by where it starts.
        let text =
            "\u{FEFF}Name,Destination,Title,Tags,Group\r\nspring,https://e.example/s,\"Sale, \"\"big\"\"\",a;b,Launch\r\nnotes,https://e.example/n,\"two\nlines\",,Launch\r\nbad,,x,,\r\n"
        #expect(throws: CSVTable.ParseError(line: 5, reason: "a link needs a destination")) { _ = try CSVSource.snapshot(text) }
        let (snapshot, lines) = try CSVSource.snapshot(String(text.dropLast("bad,,x,,\r\n".count)))
        #expect(snapshot.datapoints.map(\.title) == ["Sale, \"big\"", "two\nlines"])
        #expect(snapshot.datapoints[0].tags == ["a", "b"] && snapshot.groups.map(\.name) == ["Launch"])
        #expect(lines == ["spring": 2, "notes": 3])
    }

    @Test(arguments: TestEngine.available)
    func aYOURLSDumpBringsLinksAndDailyClicks(_ engine: TestEngine) async throws {
        let dump = """
            -- MySQL dump 10.13
            DROP TABLE IF EXISTS `yourls_url`;
            CREATE TABLE `yourls_url` (`keyword` varchar(100) NOT NULL, `url` text NOT NULL, `title` text, `timestamp` timestamp, `ip` varchar(41), `clicks` int(10));
            LOCK TABLES `yourls_url` WRITE;
            INSERT INTO `yourls_url` VALUES ('ozh','http://ozh.org/','Ozh\\'s \\\\ blog','2024-03-01 10:00:00','127.0.0.1',2),('yt','https://youtube.com/?a=1&b=2',NULL,'2024-03-02 11:00:00','127.0.0.1',1);
            INSERT INTO `yourls_url` (`keyword`, `url`, `title`) VALUES ('it''s','https://example.com/quote','one '' two');
            UNLOCK TABLES;
            INSERT INTO `yourls_log` VALUES (1,'2024-03-05 09:00:00','ozh','direct','Mozilla/5.0','10.0.0.1','FR'),(2,'2024-03-05 18:00:00','ozh','direct','Mozilla/5.0','10.0.0.2','FR'),(3,'2024-03-06 08:00:00','yt','https://t.co/','curl','10.0.0.3','US'),(4,'2024-03-06 08:00:00','unknown','','','','');
            """
        let snapshot = try YOURLSDump.snapshot(dump, history: true)
        #expect(snapshot.datapoints.map(\.name) == ["ozh", "yt", "it's"])
        #expect(snapshot.datapoints[0].title == #"Ozh's \ blog"# && snapshot.datapoints[1].title == "" && snapshot.datapoints[2].title == "one ' two")
        #expect(snapshot.history.map { "\($0.sourceID) \($0.day) \($0.counts.clicks)" } == ["ozh 20240305 2", "yt 20240306 1"])
        #expect(throws: (any Error).self) { _ = try YOURLSDump.snapshot("INSERT INTO `yourls_url` VALUES ('a','b'", history: false) }

        let (summary, imported) = try await Self.write(snapshot, engine)
        // `it's` is not a valid ClickTally name: reported, the rest imported.
        #expect(summary.counts("datapoint").created == 2 && summary.failures.map(\.object) == ["it's it's"])
        #expect(imported.datapoints.map(\.redirectType) == [.movedPermanently, .movedPermanently])
        #expect(imported.history.map { "\($0.day) \($0.counts.clicks)" } == ["20240305 2", "20240306 1"])
    }

    @Test(arguments: TestEngine.available)
    func aBitlyExportBringsLinksOnTheirDomains(_ engine: TestEngine) async throws {
        let export = """
            title,link,long_url,created_at,tags,archived
            Launch post,bit.ly/3xYzAbC,https://blog.example/launch,2024-01-05T10:00:00+0000,"launch, blog",false
            Old promo,https://go.brand.example/promo,https://shop.example/promo,2023-05-01T10:00:00+0000,,true
            """
        let (snapshot, lines) = try TallyImport.BitlyCSV.snapshot(export)
        #expect(snapshot.datapoints.map(\.name) == ["3xYzAbC", "promo"] && lines["go.brand.example/promo"] == 3)
        #expect(snapshot.datapoints[0].domain == nil && snapshot.datapoints[1].domain == "go.brand.example")
        #expect(snapshot.datapoints[0].tags == ["launch", "blog"] && snapshot.datapoints[1].status == .paused)
        #expect(throws: CSVTable.ParseError(line: 2, reason: "'nowhere' is not a short link such as bit.ly/abc")) {
            _ = try TallyImport.BitlyCSV.snapshot("link,long_url\nnowhere,https://e.example/\n")
        }
        let (summary, imported) = try await Self.write(snapshot, engine)
        #expect(summary.failures.isEmpty && summary.counts("domain").created == 1 && summary.counts("datapoint").created == 2)
        #expect(imported.domains.map(\.name) == ["go.brand.example"])
        #expect(imported.datapoints.first { $0.name == "promo" }?.status == .paused)
    }

    @Test(arguments: TestEngine.available)
    func aShlinkServerBringsShortURLsTagsDomainsAndVisits(_ engine: TestEngine) async throws {
        let app = Application(router: ShlinkFixture.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let http = SourceClient.makeHTTPClient()
        let snapshot = try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))/rest/v3"
            let wrong = SourceClient(client: http, baseURL: base, headers: [("X-Api-Key", "nope")])
            await #expect(throws: ImportSourceError.unauthorized(url: base + "/domains", status: 401)) {
                _ = try await ShlinkSource(api: wrong).snapshot(history: false)
            }
            let api = SourceClient(client: http, baseURL: base, headers: [("X-Api-Key", ShlinkFixture.key)])
            let snapshot = try await ShlinkSource(api: api, pageSize: 2).snapshot(history: true)
            try await http.shutdown()
            return snapshot
        }
        #expect(snapshot.domains.map(\.name) == ["s.brand.example"])
        #expect(snapshot.datapoints.map(\.name) == ["12C18", "steam", "brand1"])
        #expect(snapshot.datapoints[0].tags == ["games", "tech"] && snapshot.datapoints[0].title == "Welcome to Steam")
        #expect(snapshot.datapoints[1].notes.contains("Shlink validUntil: 2030-01-01T00:00:00+00:00"))
        #expect(snapshot.datapoints[2].domain == "s.brand.example" && snapshot.datapoints[0].domain == nil)
        #expect(
            snapshot.history.map { "\($0.sourceID) \($0.day) \($0.counts.clicks) \($0.counts.spiderClicks)" } == [
                "/12C18 20150820 2 1", "/12C18 20150821 1 0",
            ])
        let (summary, imported) = try await Self.write(snapshot, engine, source: "shlink:fixture")
        #expect(summary.failures.isEmpty && summary.counts("datapoint").created == 3, "\(summary.report)")
        #expect(imported.history.map { "\($0.day) \($0.counts.clicks)" } == ["20150820 2", "20150821 1"])
    }
}

/// A Shlink server's REST API v3 as its documentation shows it: `X-Api-Key`, paged `shortUrls` with `pagination`,
/// `domains.data`, and each short URL's `visits` (bots marked `potentialBot`).
enum ShlinkFixture {
    static let key = "a7f0e2c1-shlink-fixture-key"

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: text)))
    }

    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: KeyCheck())
        router.get("/rest/v3/domains") { _, _ in
            json(
                #"{"domains":{"data":[{"domain":"s.test","isDefault":true,"redirects":{}},{"domain":"s.brand.example","isDefault":false,"redirects":{}}]}}"#
            )
        }
        router.get("/rest/v3/short-urls") { request, _ in
            let first = #"""
                {"shortCode":"12C18","shortUrl":"https://s.test/12C18","longUrl":"https://store.steampowered.com","deviceLongUrls":{"android":null,"ios":null,"desktop":null},"dateCreated":"2016-08-21T20:34:16+02:00","visitsSummary":{"total":3,"nonBots":2,"bots":1},"tags":["games","tech"],"meta":{"validSince":null,"validUntil":null,"maxVisits":null},"domain":null,"title":"Welcome to Steam","crawlable":false,"forwardQuery":true},
                {"shortCode":"steam","shortUrl":"https://s.test/steam","longUrl":"https://store.steampowered.com/app/1","dateCreated":"2017-01-01T00:00:00+00:00","visitsSummary":{"total":0,"nonBots":0,"bots":0},"tags":[],"meta":{"validSince":null,"validUntil":"2030-01-01T00:00:00+00:00","maxVisits":100},"domain":null,"title":null,"crawlable":false,"forwardQuery":true}
                """#
            let second = #"""
                {"shortCode":"brand1","shortUrl":"https://s.brand.example/brand1","longUrl":"https://brand.example/","dateCreated":"2018-01-01T00:00:00+00:00","visitsSummary":{"total":0,"nonBots":0,"bots":0},"tags":[],"meta":{},"domain":"s.brand.example","title":"","crawlable":false,"forwardQuery":false}
                """#
            let page = request.uri.queryParameters.get("page") == "2" ? 2 : 1
            return json(
                #"{"shortUrls":{"data":[\#(page == 1 ? first : second)],"pagination":{"currentPage":\#(page),"pagesCount":2,"itemsPerPage":2,"itemsInCurrentPage":\#(page == 1 ? 2 : 1),"totalItems":3}}}"#
            )
        }
        router.get("/rest/v3/short-urls/12C18/visits") { _, _ in
            json(
                #"""
                {"visits":{"data":[
                {"referer":"https://twitter.com","date":"2015-08-20T05:05:03+04:00","userAgent":"Mozilla/5.0","visitLocation":null,"potentialBot":false},
                {"referer":"","date":"2015-08-20T07:00:00+04:00","userAgent":"Googlebot","visitLocation":null,"potentialBot":true},
                {"referer":"","date":"2015-08-21T09:00:00+04:00","userAgent":"Mozilla/5.0","visitLocation":null,"potentialBot":false}
                ],"pagination":{"currentPage":1,"pagesCount":1,"itemsPerPage":1000,"itemsInCurrentPage":3,"totalItems":3}}}
                """#)
        }
        return router
    }

    struct KeyCheck: RouterMiddleware {
        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws
            -> Response
        {
            guard request.headers[HTTPField.Name("X-Api-Key")!] == ShlinkFixture.key else {
                return Response(
                    status: .unauthorized, headers: [.contentType: "application/problem+json"],
                    body: .init(byteBuffer: .init(string: #"{"type":"INVALID_API_KEY","status":401}"#)))
            }
            return try await next(request, context)
        }
    }
}
