import Synchronization

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

    /// The needles as bytes, so matching is a plain byte scan (this runs on every hit).
    static let byteMarkers: [(needle: [UInt8], reason: String)] = markers.map { (Array($0.needle.utf8), $0.reason) }

    public static func classify(userAgent: String) -> SpiderVerdict {
        var agent = userAgent
        return agent.withUTF8 { bytes in
            if bytes.allSatisfy({ $0 == UInt8(ascii: " ") }) { return .spider(reason: "ua:empty") }
            // ASCII lower-casing is enough: every marker is ASCII, and non-ASCII bytes never match one.
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { lowered in
                for (index, byte) in bytes.enumerated() {
                    lowered[index] = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                }
                let haystack = UnsafeBufferPointer(lowered)
                for marker in byteMarkers where contains(haystack, marker.needle) {
                    return .spider(reason: marker.reason)
                }
                return .human
            }
        }
    }

    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, haystack.count >= needle.count else { return false }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var offset = 1
                while offset < needle.count, haystack[index + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }
}

extension SpiderRules {
    /// `Sec-Purpose: prefetch` (Chromium), `Purpose: prefetch` (older Chrome, Safari), `X-Moz: prefetch` (Firefox):
    /// the browser fetched the link in case it is clicked; nobody has clicked yet.
    public static func isPrefetch(_ purpose: String?) -> Bool {
        guard let purpose else { return false }
        return purpose.lowercased().contains("prefetch")
    }
}
