import HTTPTypes
import TallyCore

/// Whether a request crossed the network encrypted: the one rule for API keys and dashboard sign-in alike.
enum TransportSecurity {
    /// Built-in TLS, or a trusted proxy that says the client used HTTPS (`X-Forwarded-Proto` or `Forwarded`).
    static func isHTTPS(_ headers: HTTPFields, peer: IPAddress?, tls: Bool, trustedProxies: [IPNetwork]) -> Bool {
        if tls { return true }
        guard let peer, trustedProxies.contains(where: { $0.contains(peer) }) else { return false }
        if headers[.xForwardedProto]?.lowercased().split(separator: ",").first.map({ String($0).trimmingSpaces }) == "https" { return true }
        return headers[.forwarded]?.lowercased().contains("proto=https") ?? false
    }

    /// Plain HTTP is acceptable only from this machine, or from a trusted proxy that says the client used HTTPS.
    /// A trusted proxy's word counts even on loopback: a reverse proxy on this machine forwards the whole world.
    static func isAcceptable(_ headers: HTTPFields, peer: IPAddress?, tls: Bool, trustedProxies: [IPNetwork]) -> Bool {
        if isHTTPS(headers, peer: peer, tls: tls, trustedProxies: trustedProxies) { return true }
        guard let peer, !trustedProxies.contains(where: { $0.contains(peer) }) else { return false }
        return peer.isLoopback
    }
}
