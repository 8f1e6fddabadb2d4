import HTTPTypes
import TallyCore

/// Whether a request crossed the network encrypted: the one rule for API keys and dashboard sign-in alike.
enum TransportSecurity {
    /// Built-in TLS, or a trusted proxy that says the client used HTTPS, in the header set it is configured to write
    /// (`ClientAddressResolver.saysHTTPS`).
    static func isHTTPS(_ headers: HTTPFields, peer: IPAddress?, tls: Bool, addresses: ClientAddressResolver) -> Bool {
        tls || addresses.saysHTTPS(peer: peer, forwarded: headers[.forwarded], forwardedProto: headers[.xForwardedProto])
    }

    /// Plain HTTP is acceptable only from this machine, or from a trusted proxy that says the client used HTTPS.
    /// A trusted proxy's word counts even on loopback: a reverse proxy on this machine forwards the whole world.
    static func isAcceptable(_ headers: HTTPFields, peer: IPAddress?, tls: Bool, addresses: ClientAddressResolver) -> Bool {
        if isHTTPS(headers, peer: peer, tls: tls, addresses: addresses) { return true }
        guard let peer, !addresses.isTrusted(peer) else { return false }
        return peer.isLoopback
    }
}
