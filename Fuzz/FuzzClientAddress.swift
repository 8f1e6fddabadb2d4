// libFuzzer target: the client-address resolver and IP parsing (Sources/TallyCore). The input is split into a peer,
// a Forwarded and an X-Forwarded-For / -Proto value; nothing crashes, an untrusted peer is always the answer, and
// every address prints back as itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzClientAddress(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\n", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    let field = { (index: Int) in index < parts.count ? parts[index] : nil }
    for candidate in parts {
        if let address = IPAddress(candidate) { precondition(IPAddress(address.description) == address, "an address does not round-trip") }
        _ = IPNetwork(candidate)
    }
    for header in [ForwardedHeader.xForwardedFor, .forwarded] {
        let resolver = ClientAddressResolver(trustedProxies: [IPNetwork("127.0.0.0/8")!, IPNetwork("10.0.0.0/8")!], header: header)
        let peer = field(0).flatMap { IPAddress($0) } ?? IPAddress("127.0.0.1")
        let resolved = resolver.resolve(peer: peer, forwarded: field(1), forwardedFor: field(2))
        if let peer, !resolver.isTrusted(peer) { precondition(resolved == peer, "an untrusted peer chose its address") }
        _ = resolver.saysHTTPS(peer: peer, forwarded: field(1), forwardedProto: field(3))
    }
    return 0
}
