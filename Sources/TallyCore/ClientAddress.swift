/// The header set a trusted proxy writes: `X-Forwarded-For` with `X-Forwarded-Proto` (nginx, HAProxy, most load
/// balancers), or RFC 7239's `Forwarded` (`for=…;proto=…`).
public enum ForwardedHeader: String, Sendable, CaseIterable {
    case xForwardedFor = "x-forwarded-for"
    case forwarded
}

/// Decides which address a hit came from, and which scheme the client used. Proxy headers are believed only from
/// proxies the operator trusts, and only the one header set the operator's proxy writes: a client can send the
/// other set itself, and a proxy that does not know it passes it on untouched.
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPNetwork]
    public let header: ForwardedHeader

    public init(trustedProxies: [IPNetwork], header: ForwardedHeader = .xForwardedFor) {
        self.trustedProxies = trustedProxies
        self.header = header
    }

    public func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// - Parameters:
    ///   - peer: the socket's remote address, when there is a socket.
    ///   - forwarded: the `Forwarded` header (RFC 7239), if any; read only when `header` is `.forwarded`.
    ///   - forwardedFor: the `X-Forwarded-For` header, if any; read only when `header` is `.xForwardedFor`.
    public func resolve(peer: IPAddress?, forwarded: String?, forwardedFor: String?) -> IPAddress? {
        guard let peer else { return nil }
        guard isTrusted(peer) else { return peer }
        let chain: [IPAddress]
        switch header {
        case .forwarded:
            guard let forwarded, !forwarded.isEmpty else { return peer }
            chain = Self.forwardedChain(forwarded)
        case .xForwardedFor:
            guard let forwardedFor, !forwardedFor.isEmpty else { return peer }
            chain = forwardedFor.split(separator: ",").compactMap { Self.parseNode($0.trimmingSpaces) }
        }
        // Walk back from the nearest hop: the first address we do not trust is the client.
        for address in chain.reversed() where !isTrusted(address) {
            return address
        }
        return chain.first ?? peer
    }

    /// Whether a trusted proxy says the client used HTTPS, from the configured header set only (`X-Forwarded-Proto`
    /// with X-Forwarded-For, `proto=` with Forwarded), reading the value the nearest proxy wrote: the last one.
    public func saysHTTPS(peer: IPAddress?, forwarded: String?, forwardedProto: String?) -> Bool {
        guard let peer, isTrusted(peer) else { return false }
        let scheme: Substring?
        switch header {
        case .xForwardedFor:
            scheme = forwardedProto?.split(separator: ",").last?.trimmingSpaces
        case .forwarded:
            scheme =
                forwarded?.split(separator: ",").last?.split(separator: ";").lazy.compactMap { pair -> Substring? in
                    let keyValue = pair.split(separator: "=", maxSplits: 1)
                    guard keyValue.count == 2, keyValue[0].trimmingSpaces.lowercased() == "proto" else { return nil }
                    var value = keyValue[1].trimmingSpaces
                    if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
                    return value
                }.first
        }
        return scheme?.lowercased() == "https"
    }

    static func forwardedChain(_ header: String) -> [IPAddress] {
        header.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                guard keyValue.count == 2, keyValue[0].trimmingSpaces.lowercased() == "for" else { continue }
                return parseNode(keyValue[1].trimmingSpaces)
            }
            return nil
        }
    }

    /// A node as proxies write it: `1.2.3.4`, `1.2.3.4:5678`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
    static func parseNode(_ raw: Substring) -> IPAddress? {
        var node = raw
        if node.hasPrefix("\""), node.hasSuffix("\""), node.count >= 2 { node = node.dropFirst().dropLast() }
        if node.hasPrefix("[") {
            guard let close = node.firstIndex(of: "]") else { return nil }
            return IPAddress(node[node.index(after: node.startIndex)..<close])
        }
        if let address = IPAddress(node) { return address }
        // IPv4 with a port.
        if let colon = node.lastIndex(of: ":"), node.filter({ $0 == ":" }).count == 1 {
            return IPAddress(node[..<colon])
        }
        return nil
    }
}
