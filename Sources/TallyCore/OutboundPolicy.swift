/// Where this server may send a request that a tenant aimed (account webhooks, and any later outbound call): never
/// inside — this machine, the private network, link-local cloud metadata services — whatever the spelling of the
/// address (OWASP API7, server-side request forgery). The one rule; `OutboundURL` applies it to a URL at save time
/// and the sender applies it again to every address a name resolves to, then connects to the address it checked.
public struct OutboundPolicy: Sendable {
    /// Test-only: loopback receivers (127.0.0.0/8, ::1) are allowed; nothing else inside ever is.
    public let allowLoopback: Bool
    /// Only for URLs the operator configured (`--alert-webhook-url`): the operator may point at their own network.
    public let allowInternal: Bool

    public init(allowLoopback: Bool = false) {
        self.allowLoopback = allowLoopback
        self.allowInternal = false
    }

    private init(allowInternal: Bool) {
        self.allowLoopback = true
        self.allowInternal = allowInternal
    }

    /// The operator's own configuration, not a tenant's input.
    public static let operatorConfigured = OutboundPolicy(allowInternal: true)

    /// Blocks no public request may reach. IPv6 forms that carry an IPv4 address (compatible, NAT64, 6to4, Teredo) are
    /// refused as a whole: through them any IPv4 address, internal ones included, could be reached. IPv4-mapped
    /// addresses (`::ffff:a.b.c.d`) need no entry: `IPAddress` reads them as the IPv4 address they are.
    static let refusedV4: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24",
        "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    ].map { IPNetwork($0)! }
    static let refusedV6: [IPNetwork] = [
        "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16", "fc00::/7",
        "fe80::/10", "fec0::/10", "ff00::/8",
    ].map { IPNetwork($0)! }

    /// Whether a connection to `address` is allowed.
    public func permits(_ address: IPAddress) -> Bool {
        if allowInternal { return true }
        if address.isLoopback { return allowLoopback }
        switch address {
        case .v4: return !Self.refusedV4.contains { $0.contains(address) }
        case .v6: return !Self.refusedV6.contains { $0.contains(address) }
        }
    }

    /// Names that always mean this machine, whatever a resolver says (RFC 6761).
    public static func isLoopbackName(_ host: String) -> Bool {
        let name = host.lowercased()
        return name == "localhost" || name.hasSuffix(".localhost") || name == "localhost.localdomain"
    }

    /// Names that only ever mean the local network: mDNS (`.local`) and the cloud providers' `.internal`
    /// (`metadata.google.internal`).
    public static func isInternalName(_ host: String) -> Bool {
        let name = host.lowercased()
        return name.hasSuffix(".local") || name.hasSuffix(".internal") || name == "local" || name == "internal"
    }

    /// Whether a host, as written, is in the number form of an IPv4 address (its last label a number): then it must
    /// be a valid address, never a name.
    public static func looksNumeric(_ raw: String) -> Bool {
        var host = raw
        while host.hasSuffix(".") { host.removeLast() }
        guard let last = host.split(separator: ".", omittingEmptySubsequences: false).last else { return false }
        return number(last) != nil
    }

    /// The address a URL host spells, in every form a browser or `inet_aton` accepts: dotted decimal, a single number
    /// (`2130706433`), octal (`0177.0.0.1`) and hex (`0x7f.1`) parts, shortened forms (`127.1`), bracketed IPv6
    /// (`[::ffff:127.0.0.1]`), a trailing dot. `nil` when the host is a name (or not a valid number form).
    public static func literalAddress(ofHost raw: String) -> IPAddress? {
        var host = raw
        while host.hasSuffix(".") { host.removeLast() }
        if host.hasPrefix("["), host.hasSuffix("]") {
            return IPAddress(host.dropFirst().dropLast())
        }
        if host.contains(":") { return IPAddress(host) }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        // As the URL standard: a host whose last label is a number is an IPv4 address, or invalid — never a name.
        guard let last = parts.last, number(last) != nil, (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            numbers.append(value)
        }
        let leading = numbers.dropLast()
        guard leading.allSatisfy({ $0 <= 255 }), numbers.last! < (UInt64(1) << (8 * (5 - numbers.count))) else { return nil }
        var value = numbers.last!
        for (index, byte) in leading.enumerated() { value |= byte << UInt64(8 * (3 - index)) }
        return .v4(UInt32(value))
    }

    /// One part of an IPv4 number form: decimal, `0x` hex or leading-`0` octal.
    static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.utf8.count <= 34 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") { return lower.count == 2 ? 0 : UInt64(lower.dropFirst(2), radix: 16) }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }
}

/// An outbound URL checked at save time: http or https, a host, no credentials in it, and — when the host is an
/// address in any spelling, or a name that always means this machine — an address the policy permits.
public struct OutboundURL: Sendable, Equatable {
    public let secure: Bool
    public let host: String
    public let port: Int
    /// Path and query, at least `/`.
    public let target: String
    /// Set when the host is an address literal: then no name is looked up.
    public let literal: IPAddress?

    public init(_ text: String, policy: OutboundPolicy) throws(ValidationError) {
        func refuse(_ message: String) -> ValidationError { ValidationError(field: "url", code: "url_not_allowed", message: message) }
        let trimmed = text.trimmingSpaces
        guard trimmed.utf8.count <= 2_000, trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw refuse("the URL must be a plain http or https URL of at most 2000 characters")
        }
        let lower = trimmed.lowercased()
        let secure = lower.hasPrefix("https://")
        guard secure || lower.hasPrefix("http://") else { throw refuse("the URL must start with http:// or https://") }
        let rest = trimmed.dropFirst(secure ? 8 : 7)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw refuse("the URL must not carry a user name or password") }
        var host = String(authority)
        var port = secure ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let given = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(given) else {
                throw refuse("the URL's port must be 1 to 65535")
            }
            port = given
            host = String(authority[..<colon])
        }
        guard !host.isEmpty else { throw refuse("the URL needs a host") }
        var target = String(rest[authorityEnd...].prefix { $0 != "#" })
        if !target.hasPrefix("/") { target = "/" + target }
        let literal = OutboundPolicy.literalAddress(ofHost: host)
        if let literal {
            guard policy.permits(literal) else { throw refuse("the URL points inside (\(literal)): use a public address") }
        } else {
            var name = host
            while name.hasSuffix(".") { name.removeLast() }
            guard !name.isEmpty, !name.contains("["), !name.contains("]"), !name.contains(":"), !OutboundPolicy.looksNumeric(name) else {
                throw refuse("the URL's host is not a valid name or address")
            }
            guard policy.allowLoopback || policy.allowInternal || !OutboundPolicy.isLoopbackName(name) else {
                throw refuse("the URL points at this machine: use a public host")
            }
            guard policy.allowInternal || !OutboundPolicy.isInternalName(name) else {
                throw refuse("the URL points inside the local network: use a public host")
            }
            host = name
        }
        self.secure = secure
        self.host = literal.map { if case .v6 = $0 { "[\($0)]" } else { $0.description } } ?? host
        self.port = port
        self.target = target
        self.literal = literal
    }
}
