/// Host names that serve the ClickMeter API at the root of the host, as `apiv2.clickmeter.com` did: clients with the
/// host written into them call `/datapoints`, not `/v2/datapoints`. On such a host every path is the API (and
/// `/v2/…` still works); tracking links never answer there. Other hosts keep `/v2/…` and their tracking links, so a
/// link named `datapoints` keeps working on a tracking host.
public struct APIHosts: Sendable, Equatable {
    public let names: Set<String>

    public static let none = APIHosts(validated: [])

    private init(validated names: Set<String>) { self.names = names }

    /// Host names as given to `--api-host` (comma-separated or repeated): letters, digits, `-` and `.`, no port.
    public init(_ list: [String]) throws(ValidationError) {
        var names: Set<String> = []
        for raw in list {
            let name = raw.trimmingSpaces.lowercased()
            guard !name.isEmpty else { continue }
            let allowed = name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            }
            guard allowed, name.utf8.count <= 253, !name.hasPrefix("."), !name.hasSuffix(".") else {
                throw ValidationError(
                    field: "apiHost", code: "api_host_invalid", message: "API host must be a host name such as api.example.com, without a port")
            }
            names.insert(name)
        }
        self.names = names
    }

    public var isEmpty: Bool { names.isEmpty }

    /// Whether a request's authority (`Host`: any case, maybe a port, maybe a trailing dot) is one of these hosts.
    public func contains(authority: Substring) -> Bool {
        guard !names.isEmpty else { return false }
        var host = authority
        if host.hasPrefix("[") {
            return false  // an IPv6 literal is never a configured host name
        }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host.hasSuffix(".") { host = host.dropLast() }
        return names.contains(host.lowercased())
    }

    /// The path the router serves for `path` (with its query) on an API host: the API's own paths, rooted under `/v2`.
    public static func routedPath(_ path: String) -> String {
        if path == "/v2" || path.hasPrefix("/v2/") || path.hasPrefix("/v2?") || path == "/health" || path.hasPrefix("/health?") { return path }
        if path == "/" || path.hasPrefix("/?") { return "/v2" + path.dropFirst() }
        return "/v2" + path
    }
}
