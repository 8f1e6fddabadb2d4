import Foundation

/// Rules for where a tracking link may send people.
public enum DestinationURL {
    public static let maxBytes = 4096

    /// Checks `raw` and returns it unchanged when it is acceptable.
    /// - Parameter trackingHosts: authorities (`host` or `host:port`, lower-cased) that ClickTally itself
    ///   answers on; a link to one of them could redirect to itself for ever.
    public static func validate(_ raw: String, trackingHosts: Set<String>) throws(ValidationError) -> String {
        func fail(_ code: String, _ message: String) -> ValidationError {
            ValidationError(field: "destination", code: code, message: message)
        }
        guard !raw.isEmpty else { throw fail("destination_empty", "destination URL must not be empty") }
        guard raw.utf8.count <= maxBytes else {
            throw fail("destination_too_long", "destination URL must be at most \(maxBytes) bytes")
        }
        guard !raw.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            throw fail("destination_invalid", "destination URL must not contain spaces or control characters")
        }
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased() else {
            throw fail("destination_not_absolute", "destination must be an absolute http or https URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw fail("destination_scheme", "destination URL scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else {
            throw fail("destination_no_host", "destination URL must have a host")
        }
        guard components.user == nil, components.password == nil else {
            throw fail("destination_credentials", "destination URL must not contain a user name or password")
        }
        let authority = Self.authority(host: host, port: components.port, scheme: scheme)
        guard !trackingHosts.contains(authority) else {
            throw fail("destination_loop", "destination URL points at this server's own tracking host")
        }
        return raw
    }

    /// `host` or `host:port` as a tracking host is written, dropping the scheme's default port.
    public static func authority(host: String, port: Int?, scheme: String) -> String {
        var host = host.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        let defaultPort = scheme == "https" ? 443 : 80
        guard let port, port != defaultPort else { return host }
        return "\(host):\(port)"
    }

    /// The authority of a base URL such as `--public-url`, or `nil` when it is not an http(s) URL with a host.
    public static func authority(ofBaseURL raw: String) -> String? {
        guard let components = URLComponents(string: raw), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return nil }
        return authority(host: host, port: components.port, scheme: scheme)
    }

    /// Appends the request's query after the destination's own query (and before its fragment).
    public static func forwardingQuery(_ query: String, to destination: String) -> String {
        guard !query.isEmpty else { return destination }
        var base = Substring(destination)
        var fragment: Substring = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = base[hash...]
            base = base[..<hash]
        }
        let separator: String
        if let question = base.firstIndex(of: "?") {
            separator = base.index(after: question) == base.endIndex || base.hasSuffix("&") ? "" : "&"
        } else {
            separator = "?"
        }
        return base + separator + query + fragment
    }
}
