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

/// What the writer records about each hit from its user agent (uap-core, bot lists), referrer and language —
/// a browser, Googlebot, a Slack preview, a prefetch and a HEAD through the real redirect endpoint.
@Suite struct HitDetailsTests {
    static var crawlers: String? { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_CRAWLERS"] }
    static var botRules: String? { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_BOT_RULES"] }
    static var available: Bool {
        FileManager.default.fileExists(atPath: "/usr/share/uap-core/regexes.yaml")
            || ProcessInfo.processInfo.environment["CLICKTALLY_TEST_REQUIRE_CORPORA"] == "1"
    }

    @Test(.enabled(if: available), arguments: TestEngine.available)
    func browsersBotsPreviewsAndPrefetchesAreToldApart(_ engine: TestEngine) async throws {
        var values: [String: ConfigContent] = [:]
        if let crawlers = Self.crawlers { values[AppConfiguration.Key.crawlerUserAgents] = .string(crawlers) }
        if let botRules = Self.botRules { values[AppConfiguration.Key.botRules] = .string(botRules) }
        try await withTestServer(engine, values) { server, database in
            try await server.link("https://example.com/", name: "d")
            try await server.application.test(.live) { client in
                func visit(_ agent: String, _ extra: HTTPFields = [:], method: HTTPRequest.Method = .get) async throws {
                    var headers: HTTPFields = [.userAgent: agent]
                    headers.append(contentsOf: extra)
                    #expect(try await client.execute(uri: "/d", method: method, headers: headers).status == .found)
                }
                try await visit(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
                    [.referer: "https://www.google.com/search?q=clicktally", .acceptLanguage: "de-DE,de;q=0.9,en;q=0.8"])
                try await visit("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
                try await visit("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
                try await visit(
                    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
                    [HTTPField.Name("Sec-Purpose")!: "prefetch", .referer: "https://t.co/abc"])
                try await visit("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", method: .head)
                // A program only device-detector's list names (with `--bot-rules`).
                if Self.botRules != nil { try await visit("Request-Promise") }
            }
            let extra = Self.botRules != nil ? 1 : 0
            #expect(try await database.count("hits") == 4 + extra)
            if Self.botRules != nil {
                #expect(try await database.count("hits", where: "spider_reason = 'device-detector:Generic Bot' AND is_spider") == 1)
            }
            #expect(
                try await database.count(
                    "hits",
                    where:
                        "browser = 'Chrome' AND browser_version = '120.0' AND os = 'Windows' AND os_version = '10' AND device_type = 'desktop' AND referrer_domain = 'google.com' AND source = 'search' AND language = 'de-de' AND NOT is_spider AND is_unique"
                ) == 1)
            #expect(
                try await database.count(
                    "hits", where: "browser = 'Googlebot' AND is_spider AND device_type = 'bot' AND source = 'direct' AND NOT is_unique") == 1)
            #expect(try await database.count("hits", where: "spider_reason = 'preview:slack' AND is_spider") == 1)
            #expect(
                try await database.count(
                    "hits", where: "spider_reason = 'prefetch' AND os = 'iOS' AND source = 'social' AND referrer_domain = 't.co'") == 1)
            #expect(try await database.count("hits", where: "is_spider") == 3 + extra)
        }
    }

    @Test func referrersAndLanguagesAreClassified() {
        let cases: [(String, String, String)] = [
            ("", "", "direct"), ("https://www.bing.com/search?q=x", "bing.com", "search"),
            ("https://mail.google.com/mail/u/0", "mail.google.com", "email"),
            ("https://www.google.co.uk/", "google.co.uk", "search"), ("https://l.facebook.com/l.php", "l.facebook.com", "social"),
            ("https://news.example.org/a", "news.example.org", "other"), ("not a url", "", "other"),
        ]
        for (referrer, domain, source) in cases {
            let parsed = Referrer(referrer)
            #expect(parsed.domain == domain && parsed.source == source, "\(referrer)")
        }
    }
}
