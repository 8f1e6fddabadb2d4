import Foundation
import Testing
import Yams

@testable import TallyCore

/// The literal prefilter may only skip expressions that cannot match: checked on crafted syntax, and on the real lists
/// against running every expression.
@Suite struct LiteralPrefilterTests {
    @Test func readsTheLiteralsAMatchNeeds() {
        let cases: [(String, [String]?)] = [
            ("Googlebot", ["googlebot"]),
            ("(?:Google|Bing)bot/\\d+", ["bingbot/", "googlebot/"]),
            ("-(?:AI|Extended|User)/", ["-ai/", "-extended/", "-user/"]),
            ("ab?cdef", ["cdef"]),
            ("x+yz", ["yz"]),
            ("a{0,3}bcd", ["bcd"]),
            ("(?:abc)?defg", ["defg"]),
            ("(?i)MSIE \\d", ["msie "]),
            ("(?i:Yandex)Bot", ["yandexbot"]),
            ("zeal(?!ot)", ["zeal"]),
            ("(?<!cu)bot", ["bot"]),
            ("(?<name>Fetch)er", ["fetcher"]),
            ("[a-z]+crawl[^/]*", ["crawl"]),
            ("[]x]abc", ["abc"]),
            ("foo|bar", ["bar", "foo"]),
            ("Mozilla\\/5\\.0", ["mozilla/5.0"]),
            ("(?:^|[^A-Z])curl", ["curl"]),
            ("(foo)+bar", ["foo"]),
            ("ab", ["ab"]),
        ]
        for (pattern, expected) in cases { #expect(RegexLiterals.required(pattern) == expected, "\(pattern)") }
        // Nothing certain: an optional or empty branch, a class, escapes this reader does not follow, free spacing.
        for pattern in ["foo|", "(?:bar)?", "[abc]+", ".*", "\\x41BC", "\\QABC\\E", "(?x) a b c", "(a)\\1", "[[:alpha:]]bot", "a{,"] {
            #expect(RegexLiterals.required(pattern)?.allSatisfy({ $0.count >= 3 }) != true, "\(pattern)")
        }
    }

    @Test func namesOnlyExpressionsThatCanMatchInListOrder() {
        let patterns = ["Googlebot", "(?i)curl/", "[a-z]+", "bingbot|slurp", "ab"]
        let filter = LiteralPrefilter(patterns: patterns)
        #expect(filter.always == [2])
        #expect(filter.candidates("Mozilla/5.0 (compatible; Googlebot/2.1)") == [0, 2])
        #expect(filter.candidates("CURL/8.0 Yahoo! Slurp") == [1, 2, 3])
        #expect(filter.candidates("Mozilla/5.0 AB") == [2, 4])
        #expect(filter.candidates("") == [2])
        #expect(filter.candidates("Googlebo") == [2])
        #expect(RegexLiterals.branches("a|b(c|d)|[|]|\\|") == ["a", "b(c|d)", "[|]", "\\|"])
        #expect(RegexLiterals.branches("(a|b)") == nil)
    }

    /// A literal found in the agents most traffic sends is passed over for a rarer one, however short.
    @Test func prefersLiteralsCommonAgentsDoNotHave() {
        let pattern = "; {0,2}(Acer |ACER )([^;/]{1,100}?)(?: Build|\\) AppleWebKit)"
        #expect(RegexLiterals.required(pattern) == [" build", ") applewebkit"])
        #expect(RegexLiterals.required(pattern, common: LiteralPrefilter.commonText) == ["acer "])
    }

    /// Every list the detector and the parser run: the prefiltered first match is the first match of running them all,
    /// on thousands of real agents (bots and browsers).
    @Test(.enabled(if: BotDetectorTests.available && ReferenceCorpora.available))
    func realListsPickTheSameExpressionAsRunningEveryOne() throws {
        let rules = try UserAgentRules(path: UserAgentParserTests.directory + "/regexes.yaml")
        let bots = try DeviceDetectorBots(path: try #require(BotDetectorTests.botRulesPath))
        let crawlers = try BotDetectorTests.detector().crawlers
        let lists = [
            ("uap-core browsers", rules.browsers.expressions), ("uap-core systems", rules.systems.expressions),
            ("uap-core devices", rules.devices.expressions), ("device-detector", bots.expressions),
            ("crawler-user-agents", crawlers),
        ]
        let folder = String(decoding: try ReferenceCorpora.runPython(BotDetectorCrawlerDetectTests.folder), as: UTF8.self)
        let crawlerAgents = try BotDetectorCrawlerDetectTests.lines(folder, "crawlers.txt")
        let devices = try BotDetectorCrawlerDetectTests.lines(folder, "devices.txt")
        // Every third crawler and every hundredth device: about 2,900 agents, each against ~2,000 expressions twice.
        let agents =
            stride(from: 0, to: crawlerAgents.count, by: 3).map { crawlerAgents[$0] }
            + stride(from: 0, to: devices.count, by: 100).map { devices[$0] }
        for (name, list) in lists {
            #expect(list.filter.always.count * 20 < list.count, "\(name): \(list.filter.always.count) of \(list.count) unfiltered")
            var matched = 0
            for agent in agents {
                let range = NSRange(agent.startIndex..., in: agent)
                let everyOne = list.regexes.firstIndex { $0.firstMatch(in: agent, range: range) != nil }
                let filtered = list.firstMatch(in: agent, range: range)?.index
                #expect(filtered == everyOne, "\(name): \(agent)")
                if everyOne != nil { matched += 1 }
            }
            print(
                "prefilter \(name): \(list.filter.always.count) of \(list.count) expressions unfiltered; \(matched) of \(agents.count) agents matched"
            )
            #expect(matched > 0)
        }
        // device-detector's alternations run split into their branches: the bot named is the one the unsplit list names.
        let yaml = try String(contentsOfFile: try #require(BotDetectorTests.botRulesPath), encoding: .utf8)
        let entries = try #require(try Yams.load(yaml: yaml) as? [[String: Any]])
        let whole = try entries.map { entry in
            let pattern = try #require(entry["regex"] as? String)
            return (
                try NSRegularExpression(pattern: DeviceDetectorBots.boundary + "(?:\(pattern))", options: [.caseInsensitive]),
                entry["name"] as? String ?? ""
            )
        }
        #expect(bots.count > whole.count + 50)
        var named = 0
        for agent in agents {
            let range = NSRange(agent.startIndex..., in: agent)
            let expected = whole.first { $0.0.firstMatch(in: agent, range: range) != nil }.map { regex, name in
                DeviceDetectorBots.filled(name, regex.firstMatch(in: agent, range: range)!, agent)
            }
            #expect(bots.botName(agent, range) == expected, "\(agent)")
            if expected != nil { named += 1 }
        }
        print("device-detector split into \(bots.count) expressions from \(whole.count): \(named) of \(agents.count) agents named alike")
        #expect(named > 500)
    }
}
