import Foundation
import Testing
import Yams

@testable import TallyCore

/// Bot detection measured on public corpora: the `crawler-user-agents` project's own examples (PyPI package of that
/// name) must be flagged, uap-core's non-spider test agents must not be.
@Suite struct BotDetectorTests {
    static var crawlersPath: String? { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_CRAWLERS"] }
    /// device-detector's `bots.yml` (PyPI `device_detector`).
    static var botRulesPath: String? { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_BOT_RULES"] }
    static var available: Bool { (crawlersPath != nil && botRulesPath != nil) || ReferenceCorpora.required }

    /// The detector as the server builds it from all three sources.
    static func detector() throws -> BotDetector {
        let path = try #require(crawlersPath, "CLICKTALLY_TEST_CRAWLERS is not set; run scripts/test")
        let botRules = try #require(botRulesPath, "CLICKTALLY_TEST_BOT_RULES is not set; run scripts/test")
        let rules = try UserAgentRules(path: UserAgentParserTests.directory + "/regexes.yaml")
        return BotDetector(
            crawlerPatterns: FileManager.default.contents(atPath: path), uapRules: rules,
            deviceDetector: try DeviceDetectorBots(path: botRules))
    }

    @Test func linkPreviewFetchersAreNamedAndBrowsersAreNot() {
        let detector = BotDetector(crawlerPatterns: nil, uapRules: nil)
        let previews: [(String, String)] = [
            ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "preview:slack"),
            ("Twitterbot/1.0", "preview:x"),
            ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "preview:facebook"),
            ("WhatsApp/2.23.20.0 A", "preview:whatsapp"),
            ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "preview:discord"),
            ("TelegramBot (like TwitterBot)", "preview:telegram"),
            ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "preview:linkedin"),
            ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", "preview:skype"),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
                "preview:imessage"
            ),
        ]
        for (agent, reason) in previews {
            #expect(detector.classify(userAgent: agent) == .spider(reason: reason), "\(agent)")
        }
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
        #expect(detector.classify(userAgent: chrome) == .human)
        #expect(SpiderRules.isPrefetch("prefetch;prerender") && SpiderRules.isPrefetch("Prefetch") && !SpiderRules.isPrefetch(nil))
    }

    /// device-detector's list names bots the other sources miss, with `$1` filled in from the agent; its boundary keeps
    /// a name inside a longer word from counting.
    @Test(.enabled(if: available))
    func deviceDetectorsBotsAreNamed() throws {
        let detector = try Self.detector()
        let bots = try DeviceDetectorBots(path: try #require(Self.botRulesPath))
        #expect(bots.count > 800 && bots.skipped == 0)
        #expect(detector.classify(userAgent: "Request-Promise") == .spider(reason: "device-detector:Generic Bot"))
        let range = { (agent: String) in NSRange(agent.startIndex..., in: agent) }
        let spider = "Mozilla/5.0 (compatible; 360Spider-Video; +http://webscan.360.cn)"
        #expect(bots.botName(spider, range(spider)) == "360Spider-Video")
        let word = "Mozilla/5.0 (Windows NT 10.0) XCloudflare-HealthchecksX/1.0"
        #expect(bots.botName(word, range(word)) == nil)
    }

    /// The enricher hands the detector uap-core's reading of the agent instead of letting it run the device rules again:
    /// the verdicts are the detector's own, on uap-core's device test agents (bots, branded phones, generic devices).
    @Test(.enabled(if: available))
    func theEnrichersVerdictIsTheDetectorsOwn() throws {
        let detector = try Self.detector()
        let rules = try UserAgentRules(path: UserAgentParserTests.directory + "/regexes.yaml")
        let enricher = HitEnricher(parser: UserAgentParser(rules: rules), bots: detector)
        let agents = try UserAgentParserTests.cases("test_device.yaml").compactMap { $0["user_agent_string"] as? String }
        var spiders = 0
        for agent in stride(from: 0, to: agents.count, by: 4).map({ agents[$0] }) {
            let verdict = detector.classify(userAgent: agent)
            #expect(enricher.details(userAgent: agent).spider == verdict, "\(agent)")
            if verdict.isSpider { spiders += 1 }
        }
        #expect(spiders > 10)
    }

    @Test(.enabled(if: available))
    func everyCrawlerExampleIsFlagged() throws {
        let detector = try Self.detector()
        let path = try #require(Self.crawlersPath)
        let data = try #require(FileManager.default.contents(atPath: path))
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let agents = entries.flatMap { $0["instances"] as? [String] ?? [] }
        let missed = agents.filter { !detector.classify(userAgent: $0).isSpider }
        for agent in missed { print("  missed crawler: \(agent)") }
        let flagged = agents.count - missed.count
        let share = Double(flagged) / Double(agents.count) * 100
        print(
            "crawler-user-agents: \(entries.count) patterns (\(detector.skipped) not compilable), \(agents.count) example agents, \(flagged) flagged as bots (\(String(format: "%.2f", share)) %)"
        )
        #expect(agents.count > 1500)
        #expect(share >= 99)
    }

    @Test(.enabled(if: available))
    func browsersOfUAPCoresDeviceTestsAreAlmostNeverFlagged() throws {
        let detector = try Self.detector()
        let cases = try UserAgentParserTests.cases("test_device.yaml")
        var browsers = 0
        var falseBots: [String] = []
        var spiders = 0
        var caught = 0
        for testCase in cases {
            guard let agent = testCase["user_agent_string"] as? String else { continue }
            let flagged = detector.classify(userAgent: agent).isSpider
            if UserAgentParserTests.text(testCase["family"]) == "Spider" {
                spiders += 1
                if flagged { caught += 1 }
            } else {
                browsers += 1
                if flagged { falseBots.append(agent) }
            }
        }
        let falseRate = Double(falseBots.count) / Double(browsers) * 100
        print(
            "uap-core test_device.yaml: \(browsers) non-spider agents, \(falseBots.count) flagged as bots (\(String(format: "%.3f", falseRate)) %); \(spiders) spiders, \(caught) caught (\(String(format: "%.2f", Double(caught) / Double(max(spiders, 1)) * 100)) %)"
        )
        var reasons: [String: Int] = [:]
        for agent in falseBots { reasons[detector.classify(userAgent: agent).reason ?? "", default: 0] += 1 }
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }) { print("  false bots by \(reason): \(count)") }
        for agent in falseBots { print("  false bot (\(detector.classify(userAgent: agent).reason ?? "")): \(agent)") }
        #expect(browsers > 10_000)
        #expect(falseRate <= 0.1)
    }
}
