/// Decides which address a hit came from. Proxy headers are believed only from proxies the operator trusts:
/// anyone else could write any address into them.
public struct ClientAddressResolver: Sendable {
    public let trustedProxies: [IPNetwork]

    public init(trustedProxies: [IPNetwork]) {
        self.trustedProxies = trustedProxies
    }

    public func isTrusted(_ address: IPAddress) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// - Parameters:
    ///   - peer: the socket's remote address, when there is a socket.
    ///   - forwarded: the `Forwarded` header (RFC 7239), if any; it wins over `X-Forwarded-For`.
    ///   - forwardedFor: the `X-Forwarded-For` header, if any.
    public func resolve(peer: IPAddress?, forwarded: String?, forwardedFor: String?) -> IPAddress? {
        guard let peer else { return nil }
        guard isTrusted(peer) else { return peer }
        let chain: [IPAddress]
        if let forwarded, !forwarded.isEmpty {
            chain = Self.forwardedChain(forwarded)
        } else if let forwardedFor, !forwardedFor.isEmpty {
            chain = forwardedFor.split(separator: ",").compactMap { Self.parseNode($0.trimmingSpaces) }
        } else {
            return peer
        }
        // Walk back from the nearest hop: the first address we do not trust is the client.
        for address in chain.reversed() where !isTrusted(address) {
            return address
        }
        return chain.first ?? peer
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
