import Foundation
import Synchronization

/// What the writer adds to a hit from its user agent, referrer and language, before it is stored.
public struct HitDetails: Sendable, Equatable {
    public var browser = ""
    public var browserVersion = ""
    public var os = ""
    public var osVersion = ""
    /// desktop, mobile, tablet, bot or other.
    public var deviceType = "other"
    public var spider: SpiderVerdict = .human

    public init() {}
}

/// Enriches hits off the redirect path: uap-core parsing and bot detection, cached per user-agent string (a site's
/// visitors share few agents), plus referrer domain and source class, and language, cached per referrer and per
/// `Accept-Language` the same way (parsed for each hit they were 7 % of the writer's CPU in `scripts/bench-ingest`:
/// `URLComponents` and Foundation's string search).
public final class HitEnricher: Sendable {
    let parser: UserAgentParser?
    let bots: BotDetector?
    private let agents: BoundedMemo<HitDetails>
    private let referrers: BoundedMemo<Referrer>
    private let languages: BoundedMemo<String>

    public init(parser: UserAgentParser?, bots: BotDetector?, capacity: Int = 20_000) {
        self.parser = parser
        self.bots = bots
        agents = BoundedMemo(capacity: capacity)
        referrers = BoundedMemo(capacity: capacity)
        languages = BoundedMemo(capacity: capacity)
    }

    public func details(userAgent: String) -> HitDetails {
        agents.value(for: userAgent, classify)
    }

    private func classify(_ userAgent: String) -> HitDetails {
        var details = HitDetails()
        let parsed = parser?.parse(userAgent)
        details.spider = bots?.classify(userAgent: userAgent, parsed: parsed) ?? SpiderRules.classify(userAgent: userAgent)
        if let parsed {
            details.browser = parsed.browser.family
            details.browserVersion = [parsed.browser.major, parsed.browser.minor].compactMap { $0 }.joined(separator: ".")
            details.os = parsed.os.family
            details.osVersion = [parsed.os.major, parsed.os.minor].compactMap { $0 }.joined(separator: ".")
            details.deviceType = Self.deviceType(parsed, userAgent: userAgent, spider: details.spider.isSpider)
        } else if details.spider.isSpider {
            details.deviceType = "bot"
        }
        return details
    }

    /// How many agents, referrers and languages are remembered now (each bounded by the capacity).
    var rememberedStrings: (agents: Int, referrers: Int, languages: Int) { (agents.count, referrers.count, languages.count) }

    public func enrich(_ hit: inout Hit) {
        let details = details(userAgent: hit.userAgent)
        hit.browser = details.browser
        hit.browserVersion = details.browserVersion
        hit.os = details.os
        hit.osVersion = details.osVersion
        hit.deviceType = details.deviceType
        // A prefetch was decided at request time from its headers; otherwise the fuller rules decide.
        if hit.spider.reason != "prefetch" { hit.spider = details.spider }
        if hit.spider.isSpider { hit.deviceType = "bot" }
        let referrer = referrers.value(for: hit.referrer, Referrer.init)
        hit.referrerDomain = referrer.domain
        hit.source = referrer.source
        hit.language = languages.value(for: hit.acceptLanguage, Self.language)
    }

    static let desktopSystems: Set<String> = [
        "Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "FreeBSD", "OpenBSD", "NetBSD", "Fedora", "Debian", "Red Hat", "Solaris",
    ]

    static func deviceType(_ parsed: ParsedUserAgent, userAgent: String, spider: Bool) -> String {
        if spider || parsed.deviceFamily == "Spider" { return "bot" }
        let device = parsed.deviceFamily.lowercased()
        if device.contains("ipad") || device.contains("tablet") || device.contains("kindle")
            || (parsed.os.family == "Android" && !userAgent.contains("Mobile"))
        {
            return "tablet"
        }
        if device != "other" || ["iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS"].contains(parsed.os.family) { return "mobile" }
        if desktopSystems.contains(parsed.os.family) || parsed.os.family.hasPrefix("Windows") { return "desktop" }
        return "other"
    }

    /// The first language of `Accept-Language`, lower-cased (`en-us`), without its weight.
    static func language(_ header: String) -> String {
        guard let first = header.split(separator: ",").first else { return "" }
        let tag = first.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard tag != "*", tag.count <= 35, tag.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return "" }
        return tag
    }
}

/// Values computed from a string, remembered up to `capacity` strings; at the limit it forgets them all at once (crude
/// but bounded, and rare: referrers and languages repeat), so a flood of distinct strings costs memory of `capacity`.
final class BoundedMemo<Value: Sendable>: Sendable {
    private let values = Mutex<[String: Value]>([:])
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func value(for key: String, _ compute: (String) -> Value) -> Value {
        if let known = values.withLock({ $0[key] }) { return known }
        let value = compute(key)
        values.withLock { values in
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = value
        }
        return value
    }

    var count: Int { values.withLock { $0.count } }
}
