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
/// visitors share few agents), plus referrer domain, source class and language, which need no cache.
public final class HitEnricher: Sendable {
    let parser: UserAgentParser?
    let bots: BotDetector?
    private let cache = Mutex<[String: HitDetails]>([:])
    private let capacity: Int

    public init(parser: UserAgentParser?, bots: BotDetector?, capacity: Int = 20_000) {
        self.parser = parser
        self.bots = bots
        self.capacity = capacity
    }

    public func details(userAgent: String) -> HitDetails {
        if let cached = cache.withLock({ $0[userAgent] }) { return cached }
        var details = HitDetails()
        details.spider = bots?.classify(userAgent: userAgent) ?? SpiderRules.classify(userAgent: userAgent)
        if let parser {
            let parsed = parser.parse(userAgent)
            details.browser = parsed.browser.family
            details.browserVersion = [parsed.browser.major, parsed.browser.minor].compactMap { $0 }.joined(separator: ".")
            details.os = parsed.os.family
            details.osVersion = [parsed.os.major, parsed.os.minor].compactMap { $0 }.joined(separator: ".")
            details.deviceType = Self.deviceType(parsed, userAgent: userAgent, spider: details.spider.isSpider)
        } else if details.spider.isSpider {
            details.deviceType = "bot"
        }
        cache.withLock { cache in
            // Forgetting everything at once is crude but bounded, and rare: the set of agents is small.
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[userAgent] = details
        }
        return details
    }

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
        let referrer = Referrer(hit.referrer)
        hit.referrerDomain = referrer.domain
        hit.source = referrer.source
        hit.language = Self.language(hit.acceptLanguage)
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
