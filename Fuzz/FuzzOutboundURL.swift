// libFuzzer target: the outbound URL check (Sources/TallyCore/OutboundPolicy.swift). Nothing crashes, and a URL it
// accepts never names an address the policy refuses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOutboundURL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let policy = OutboundPolicy()
    if let url = try? OutboundURL(text, policy: policy) {
        if let literal = url.literal { precondition(policy.permits(literal), "an inside address was accepted") }
        precondition(!OutboundPolicy.isLoopbackName(url.host), "a loopback name was accepted")
        precondition((1...65_535).contains(url.port) && url.target.hasPrefix("/"))
    }
    _ = OutboundPolicy.literalAddress(ofHost: text)
    return 0
}
