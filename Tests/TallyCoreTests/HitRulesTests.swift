import Testing

@testable import TallyCore

@Suite struct HitRulesTests {
    func hit(_ datapoint: Int64 = 1, ip: String = "1.2.3.4", at minutes: Int64, spider: Bool = false) -> Hit {
        Hit(datapointID: datapoint, time: minutes * 60_000, kind: .click, ip: ip, spider: spider ? .spider(reason: "ua:bot") : .human)
    }

    func judge(_ hits: [Hit], seeded: [UniqueVisitorWindow.Key: Int64] = [:]) -> [Bool] {
        var window = UniqueVisitorWindow(lastSeen: seeded)
        return hits.map { window.record($0) }
    }

    @Test func uniqueMeansNotSeenInThePrevious30Minutes() {
        let hits = [hit(at: 0), hit(at: 10), hit(at: 39), hit(at: 69), hit(ip: "5.6.7.8", at: 70), hit(2, at: 70)]
        // The window slides with every hit: 39 is within 30 minutes of 10, 69 is not within 30 of 39.
        #expect(judge(hits) == [true, false, false, true, true, true])
    }

    @Test func spiderHitsAreNeverUniqueButAreSeen() {
        #expect(judge([hit(at: 0, spider: true), hit(at: 1)]) == [false, false])
    }

    @Test func windowSeededFromStorageApplies() {
        #expect(judge([hit(at: 29), hit(at: 60)], seeded: [.init(datapointID: 1, ip: "1.2.3.4"): 0]) == [false, true])
    }

    @Test func rollupsCountPerDatapointAndHour() {
        let hits = [
            RecordedHit(hit: hit(at: 0), isUnique: true), RecordedHit(hit: hit(at: 59), isUnique: false),
            RecordedHit(hit: hit(at: 60, spider: true), isUnique: false), RecordedHit(hit: hit(2, at: 5), isUnique: true),
        ]
        let owners = [Int64(1): StatsRollup.Owner(accountID: 9, time: .utc, type: .trackingLink)]
        let hours = StatsRollup.increments(for: hits, owners: owners).hours
        func counts(_ entity: StatsEntity, _ id: Int64, _ hour: Int64) -> (Int64, Int64, Int64)? {
            hours[.init(entity: entity, id: id, hour: hour)].map { ($0.clicks, $0.uniqueClicks, $0.spiderClicks) }
        }
        #expect(counts(.datapoint, 1, 0)! == (2, 1, 0))
        #expect(counts(.datapoint, 1, 3_600_000)! == (1, 0, 1))
        #expect(counts(.datapoint, 2, 0)! == (1, 1, 0))
        // Datapoint 2 has no owner row: it counts for itself, not for an account.
        #expect(counts(.account, 9, 0)! == (2, 1, 0))
        #expect(counts(.account, 9, 3_600_000)! == (1, 0, 1))
        #expect(hours.count == 5)
        #expect(StatsRollup.hourStart(of: 7_199_999) == 3_600_000)
    }

    @Test(
        arguments: [
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", nil),
            ("Googlebot/2.1 (+http://www.google.com/bot.html)", "ua:bot"), ("curl/8.5.0", "ua:http-tool"), ("", "ua:empty"),
            ("facebookexternalhit/1.1", "ua:link-preview"), ("python-requests/2.31", "ua:http-library"),
        ] as [(String, String?)])
    func classifiesUserAgents(_ agent: String, _ reason: String?) {
        #expect(SpiderRules.classify(userAgent: agent).reason == reason)
    }
}

@Suite struct HitEnricherCacheTests {
    /// Without data files the enricher falls back to `SpiderRules`; its per-agent memory stays bounded.
    @Test func remembersVerdictsAndStaysBounded() {
        let enricher = HitEnricher(parser: nil, bots: nil, capacity: 2)
        #expect(enricher.details(userAgent: "Googlebot").spider == .spider(reason: "ua:bot"))
        #expect(enricher.details(userAgent: "Googlebot").spider == .spider(reason: "ua:bot"))
        #expect(enricher.details(userAgent: "Mozilla/5.0 Firefox").spider == .human)
        #expect(enricher.details(userAgent: "curl/8").spider == .spider(reason: "ua:http-tool"))
        #expect(enricher.details(userAgent: "Mozilla/5.0 Firefox").spider == .human)
        #expect(enricher.details(userAgent: "").deviceType == "bot")
        #expect(enricher.rememberedStrings.agents <= 2)
    }

    /// Referrers and languages are remembered too: a remembered answer is the computed one, and the memory forgets
    /// everything when it reaches its capacity instead of growing.
    @Test func remembersReferrersAndLanguagesWithinItsCapacity() {
        let enricher = HitEnricher(parser: nil, bots: nil, capacity: 2)
        let inputs = [
            ("https://www.google.com/search?q=x", "de-DE,de;q=0.9"), ("https://t.co/abc", "en-US"), ("", "*"), ("not a url", "fr"),
            ("https://www.google.com/search?q=x", "de-DE,de;q=0.9"), ("https://mail.google.com/mail/u/0", "EN-gb;q=0.8"),
        ]
        for (referrer, language) in inputs + inputs {
            var hit = Hit(datapointID: 1, time: 0, kind: .click, ip: "192.0.2.1", referrer: referrer, acceptLanguage: language)
            enricher.enrich(&hit)
            let expected = Referrer(referrer)
            #expect(hit.referrerDomain == expected.domain)
            #expect(hit.source == expected.source)
            #expect(hit.language == HitEnricher.language(language))
            #expect(enricher.rememberedStrings.referrers <= 2)
            #expect(enricher.rememberedStrings.languages <= 2)
        }
        var hit = Hit(datapointID: 1, time: 0, kind: .click, ip: "192.0.2.1", referrer: "https://mail.google.com/x", acceptLanguage: "EN-gb;q=0.8")
        enricher.enrich(&hit)
        #expect((hit.referrerDomain, hit.source, hit.language) == ("mail.google.com", "email", "en-gb"))
    }
}
