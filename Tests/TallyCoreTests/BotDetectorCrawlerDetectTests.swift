import Foundation
import TallyCore
import Testing

/// Bot detection on a corpus none of its sources comes from: the test fixtures of Crawler-Detect (its Python port's
/// source distribution, `scripts/corpora`): 3,730 crawler agents and 165,639 agents of real devices. Each file is split
/// in two: the crawlers by a hash of their product name (`name`: versions of one crawler fall in one half, so a rule
/// written for a tuning-half crawler does not count on the held-out side), the devices by a hash of the agent (their
/// names are a few platforms): the tuning halves may be read (their misses and false bots are printed) when the
/// rules that name no bot change; the held-out halves are only counted, so their figures say how the rules do on agents
/// no one looked at.
@Suite struct BotDetectorCrawlerDetectTests {
    static let folder = """
        import os, sys
        print(os.path.join(sys.prefix, "share", "crawlerdetect-0.4.2", "tests", "fixtures", "user_agent"), end="")
        """

    static func lines(_ folder: String, _ name: String) throws -> [String] {
        let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    /// The name an agent gives itself: the one after `compatible;`, else its first word that is not `Mozilla`.
    static func name(_ agent: String) -> String {
        let lowered = agent.lowercased()
        let words = lowered.split { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }
        if let index = words.firstIndex(of: "compatible"), index + 1 < words.count { return String(words[index + 1]) }
        return words.first { $0 != "mozilla" && !($0.first?.isNumber ?? true) }.map(String.init) ?? lowered
    }

    static func isHeldOut(_ agent: String) -> Bool { BotDetectorHeldOutTests.isHeldOut(name(agent)) }

    @Test(.enabled(if: BotDetectorTests.available && ReferenceCorpora.available))
    func crawlersOfAnotherProjectAreFlaggedAndItsDevicesAreNot() throws {
        let detector = try BotDetectorTests.detector()
        let folder = String(decoding: try ReferenceCorpora.runPython(Self.folder), as: UTF8.self)
        let crawlers = try Self.lines(folder, "crawlers.txt")
        let devices = try Self.lines(folder, "devices.txt")
        func share(_ part: Int, _ whole: Int) -> Double { Double(part) / Double(max(whole, 1)) * 100 }

        var missed = (tuning: 0, heldOut: 0)
        var crawlerCount = (tuning: 0, heldOut: 0)
        for agent in crawlers {
            let heldOut = Self.isHeldOut(agent)
            if heldOut { crawlerCount.heldOut += 1 } else { crawlerCount.tuning += 1 }
            guard !detector.classify(userAgent: agent).isSpider else { continue }
            if heldOut {
                missed.heldOut += 1
            } else {
                missed.tuning += 1
                print("  missed (Crawler-Detect tuning half): \(agent)")
            }
        }
        var flagged = (tuning: 0, heldOut: 0)
        var deviceCount = (tuning: 0, heldOut: 0)
        var heldOutReasons: [String: Int] = [:]
        // The devices file holds junk too (`Array`, `14`, an XSS string): the held-out agents that uap-core reads as a
        // named browser on a named system are counted apart, as the real browsers among them.
        let parser = UserAgentParser(rules: try UserAgentRules(path: UserAgentParserTests.directory + "/regexes.yaml"))
        var browsers = (count: 0, flagged: 0)
        for agent in devices {
            let heldOut = BotDetectorHeldOutTests.isHeldOut(agent)
            if heldOut { deviceCount.heldOut += 1 } else { deviceCount.tuning += 1 }
            let parsed = heldOut ? parser.parse(agent) : nil
            let isBrowser = parsed.map { $0.browser.family != "Other" && $0.os.family != "Other" && $0.deviceFamily != "Spider" } ?? false
            if isBrowser { browsers.count += 1 }
            guard let reason = detector.classify(userAgent: agent, parsed: parsed).reason else { continue }
            if isBrowser { browsers.flagged += 1 }
            if heldOut {
                flagged.heldOut += 1
                heldOutReasons[reason, default: 0] += 1
            } else {
                flagged.tuning += 1
                print("  false bot (Crawler-Detect tuning half, \(reason)): \(agent)")
            }
        }
        for (reason, count) in heldOutReasons.sorted(by: { $0.value > $1.value }) {
            print("  Crawler-Detect held-out devices flagged by \(reason): \(count)")
        }
        let recall = share(crawlerCount.heldOut - missed.heldOut, crawlerCount.heldOut)
        let falseRate = share(flagged.heldOut, deviceCount.heldOut)
        print(
            String(
                format:
                    "Crawler-Detect fixtures: tuning half %d crawlers %.2f %% flagged, %d devices %.3f %% flagged; held-out half %d crawlers %.2f %% flagged, %d devices %d flagged (%.3f %%)",
                crawlerCount.tuning, share(crawlerCount.tuning - missed.tuning, crawlerCount.tuning), deviceCount.tuning,
                share(flagged.tuning, deviceCount.tuning), crawlerCount.heldOut, recall, deviceCount.heldOut, flagged.heldOut,
                falseRate))
        let browserRate = share(browsers.flagged, browsers.count)
        print(
            String(
                format: "Crawler-Detect held-out devices that uap-core names a browser and a system: %d, %d flagged (%.3f %%)",
                browsers.count, browsers.flagged, browserRate))
        #expect(crawlers.count > 3_000 && devices.count > 100_000)
        // Measured 2026-12-07: the whole corpus 95.01 % of the crawlers flagged (94.69 % before device-detector's list
        // was a source) and 0.253 % of the devices; split, the held-out halves 93.29 % and 0.252 %. The devices are not
        // all browsers: they include junk (`Array`, `14`, `like`) and apps that send no browser token, which the rule of
        // that name flags; device-detector's browsers are 0.067 %. Issue 16's goal is 99 % and 0.1 % of browsers; these
        // bounds only stop a change that loses ground.
        // Of the held-out devices that uap-core reads as a named browser on a named system (81,918), 36 were flagged
        // (0.044 %): issue 16's 0.1 % of real browsers holds there.
        #expect(recall >= 93)
        #expect(falseRate <= 0.26)
        #expect(browsers.count > 70_000 && browserRate <= 0.1)
    }
}
