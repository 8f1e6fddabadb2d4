import Testing

@testable import TallyCore

@Suite struct HitRulesTests {
    func hit(_ datapoint: Int64 = 1, ip: String = "1.2.3.4", at minutes: Int64, spider: Bool = false) -> Hit {
        Hit(datapointID: datapoint, time: minutes * 60_000, kind: .click, ip: ip, spider: spider ? .spider(reason: "ua:bot") : .human)
    }

    @Test func uniqueMeansNotSeenInThePrevious30Minutes() {
        var window = UniqueVisitorWindow()
        #expect(window.record(hit(at: 0)))
        #expect(!window.record(hit(at: 10)))
        #expect(!window.record(hit(at: 39)))  // the window slides with every hit
        #expect(window.record(hit(at: 69)))
        #expect(window.record(hit(ip: "5.6.7.8", at: 70)))
        #expect(window.record(hit(2, at: 70)))
    }

    @Test func spiderHitsAreNeverUniqueButAreSeen() {
        var window = UniqueVisitorWindow()
        #expect(!window.record(hit(at: 0, spider: true)))
        #expect(!window.record(hit(at: 1)))
    }

    @Test func windowSeededFromStorageApplies() {
        var window = UniqueVisitorWindow(lastSeen: [.init(datapointID: 1, ip: "1.2.3.4"): 0])
        #expect(!window.record(hit(at: 29)))
    }

    @Test func rollupsCountPerDatapointAndHour() {
        let hits = [
            RecordedHit(hit: hit(at: 0), isUnique: true), RecordedHit(hit: hit(at: 59), isUnique: false),
            RecordedHit(hit: hit(at: 60, spider: true), isUnique: false), RecordedHit(hit: hit(2, at: 5), isUnique: true),
        ]
        let increments = HourlyRollup.increments(for: hits)
        #expect(increments[.init(datapointID: 1, hour: 0)] == .init(total: 2, unique: 1, spider: 0))
        #expect(increments[.init(datapointID: 1, hour: 3_600_000)] == .init(total: 1, unique: 0, spider: 1))
        #expect(increments[.init(datapointID: 2, hour: 0)] == .init(total: 1, unique: 1, spider: 0))
        #expect(HourlyRollup.hourStart(of: 7_199_999) == 3_600_000)
    }

    @Test(arguments: [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", nil),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", "ua:bot"), ("curl/8.5.0", "ua:http-tool"), ("", "ua:empty"),
        ("facebookexternalhit/1.1", "ua:link-preview"), ("python-requests/2.31", "ua:http-library"),
    ] as [(String, String?)])
    func classifiesUserAgents(_ agent: String, _ reason: String?) {
        #expect(SpiderRules.classify(userAgent: agent).reason == reason)
    }
}
