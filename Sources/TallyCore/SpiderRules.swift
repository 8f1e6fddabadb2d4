/// Whether a hit came from a program rather than a person, and why we think so.
public enum SpiderVerdict: Sendable, Equatable {
    case human
    case spider(reason: String)

    public var isSpider: Bool {
        if case .spider = self { return true }
        return false
    }

    public var reason: String? {
        if case .spider(let reason) = self { return reason }
        return nil
    }
}

/// A first, deliberately simple user-agent rule set: known crawler words and HTTP libraries.
public enum SpiderRules {
    /// Lower-case substrings, each with the reason recorded on the hit.
    static let markers: [(needle: String, reason: String)] = [
        ("bot", "ua:bot"), ("crawl", "ua:crawler"), ("spider", "ua:spider"), ("slurp", "ua:crawler"),
        ("facebookexternalhit", "ua:link-preview"), ("embedly", "ua:link-preview"), ("preview", "ua:link-preview"),
        ("headlesschrome", "ua:headless-browser"), ("phantomjs", "ua:headless-browser"), ("lighthouse", "ua:audit"),
        ("curl/", "ua:http-tool"), ("wget/", "ua:http-tool"), ("httpie/", "ua:http-tool"),
        ("python-requests", "ua:http-library"), ("python-urllib", "ua:http-library"), ("aiohttp", "ua:http-library"),
        ("go-http-client", "ua:http-library"), ("java/", "ua:http-library"), ("okhttp", "ua:http-library"),
        ("libwww-perl", "ua:http-library"), ("apache-httpclient", "ua:http-library"), ("node-fetch", "ua:http-library"),
        ("axios/", "ua:http-library"), ("scrapy", "ua:crawler"), ("feedfetcher", "ua:feed-reader"),
        ("validator", "ua:validator"), ("monitor", "ua:monitor"), ("uptime", "ua:monitor"),
    ]

    public static func classify(userAgent: String) -> SpiderVerdict {
        if userAgent.allSatisfy({ $0 == " " }) { return .spider(reason: "ua:empty") }
        let lowered = userAgent.lowercased()
        for marker in markers where lowered.contains(marker.needle) {
            return .spider(reason: marker.reason)
        }
        return .human
    }
}
