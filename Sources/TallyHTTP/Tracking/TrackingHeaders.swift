import HTTPTypes
import NIOHTTP1

/// The request headers a hit records, picked out in one pass over the headers: the routed path has
/// `HTTPFields`, the fast path NIO's `HTTPHeaders`, and looking each one up by name would scan (or index)
/// the headers once per name on every tracking request.
struct TrackingHeaders: Sendable, Equatable {
    var host: String?
    var userAgent: String?
    var referer: String?
    var acceptLanguage: String?
    var forwarded: String?
    var forwardedFor: String?
    var cookie: String?
    /// Cloudflare's country of the visitor; believed only from a trusted proxy.
    var cfIPCountry: String?
    /// `Sec-Purpose` / `Purpose` / `X-Moz`: `prefetch` when the browser fetched the link before anyone clicked it.
    var purpose: String?

    init() {}

    init(_ fields: HTTPFields) {
        for field in fields { record(name: field.name.canonicalName, value: field.value) }
    }

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers { record(name: name, value: value) }
    }

    private enum Known { case host, userAgent, referer, acceptLanguage, forwarded, forwardedFor, cookie, cfIPCountry, purpose }

    private mutating func record(name: String, value: String) {
        guard let known = Self.known(name) else { return }
        switch known {
        case .host: host = host ?? value  // one Host only; a second is never combined into a bogus name
        case .userAgent: userAgent = Self.combined(userAgent, value)
        case .referer: referer = Self.combined(referer, value)
        case .acceptLanguage: acceptLanguage = Self.combined(acceptLanguage, value)
        case .forwarded: forwarded = Self.combined(forwarded, value)
        case .forwardedFor: forwardedFor = Self.combined(forwardedFor, value)
        // HTTP/2 may split cookies over several fields; they join with "; " (RFC 9113 §8.2.3).
        case .cookie: cookie = cookie.map { $0 + "; " + value } ?? value
        case .cfIPCountry: cfIPCountry = cfIPCountry ?? value
        case .purpose: purpose = Self.combined(purpose, value)
        }
    }

    /// Repeated headers combine as one comma-separated list (RFC 9110 §5.3), as `HTTPFields` does.
    private static func combined(_ existing: String?, _ value: String) -> String {
        guard let existing else { return value }
        return existing + ", " + value
    }

    private static let names: [(bytes: [UInt8], known: Known)] = [
        (Array("host".utf8), .host), (Array("user-agent".utf8), .userAgent), (Array("referer".utf8), .referer),
        (Array("accept-language".utf8), .acceptLanguage), (Array("forwarded".utf8), .forwarded),
        (Array("x-forwarded-for".utf8), .forwardedFor), (Array("cookie".utf8), .cookie),
        (Array("cf-ipcountry".utf8), .cfIPCountry), (Array("sec-purpose".utf8), .purpose), (Array("purpose".utf8), .purpose),
        (Array("x-moz".utf8), .purpose),
    ]

    /// Header names compare without regard to ASCII case; the length check rejects almost every other header at once.
    private static func known(_ name: String) -> Known? {
        let utf8 = name.utf8
        let length = utf8.count
        for candidate in names where candidate.bytes.count == length {
            var index = utf8.startIndex
            var same = true
            for expected in candidate.bytes {
                let byte = utf8[index]
                if (byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte) != expected {
                    same = false
                    break
                }
                index = utf8.index(after: index)
            }
            if same { return candidate.known }
        }
        return nil
    }
}

extension TrackingHeaders {
    /// The value of cookie `name`, if the request carries it.
    func cookie(named name: String) -> String? {
        guard let cookie else { return nil }
        for pair in cookie.split(separator: ";") {
            let trimmed = pair.drop { $0 == " " }
            if trimmed.hasPrefix(name + "=") { return String(trimmed.dropFirst(name.count + 1)) }
        }
        return nil
    }
}
