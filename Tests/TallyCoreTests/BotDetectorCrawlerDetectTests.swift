import Foundation
import TallyCore
import Testing

/// Bot detection on a corpus none of its sources comes from and no rule was tuned on: the test fixtures of
/// Crawler-Detect (its Python port's source distribution, `scripts/corpora`): 3,730 crawler agents and 165,639 agents of
/// real devices. Only counted: a miss is never printed, so no rule can be written for it.
@Suite struct BotDetectorCrawlerDetectTests {
    static let folder = """
        import os, sys
        print(os.path.join(sys.prefix, "share", "crawlerdetect-0.4.2", "tests", "fixtures", "user_agent"), end="")
        """

    static func lines(_ folder: String, _ name: String) throws -> [String] {
        let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    @Test(.enabled(if: BotDetectorTests.available && ReferenceCorpora.available))
    func crawlersOfAnotherProjectAreFlaggedAndItsDevicesAreNot() throws {
        let detector = try BotDetectorTests.detector()
        let folder = String(decoding: try ReferenceCorpora.runPython(Self.folder), as: UTF8.self)
        let crawlers = try Self.lines(folder, "crawlers.txt")
        let devices = try Self.lines(folder, "devices.txt")
        let flagged = crawlers.filter { detector.classify(userAgent: $0).isSpider }.count
        var reasons: [String: Int] = [:]
        var falseBots = 0
        for agent in devices {
            guard let reason = detector.classify(userAgent: agent).reason else { continue }
            falseBots += 1
            reasons[reason, default: 0] += 1
        }
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }) { print("  Crawler-Detect devices flagged by \(reason): \(count)") }
        func share(_ part: Int, _ whole: Int) -> Double { Double(part) / Double(max(whole, 1)) * 100 }
        let recall = share(flagged, crawlers.count)
        let falseRate = share(falseBots, devices.count)
        print(
            String(
                format: "Crawler-Detect fixtures (held out): %d crawlers, %.2f %% flagged; %d devices, %d flagged (%.3f %%)",
                crawlers.count, recall, devices.count, falseBots, falseRate))
        #expect(crawlers.count > 3_000 && devices.count > 100_000)
        // Measured 2026-12-07: 95.01 % of the crawlers (94.69 % before device-detector's list was a source), 0.253 % of
        // the devices — which, unlike device-detector's browsers (0.067 %), include apps and libraries that send no
        // browser token. Issue 16's goal is 99 % and 0.1 % of browsers; these bounds only stop a change that loses ground.
        #expect(recall >= 95)
        #expect(falseRate <= 0.26)
    }
}
