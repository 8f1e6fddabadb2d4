// libFuzzer target: the destination-URL validator (Sources/TallyCore/DestinationURL.swift). Nothing crashes, and
// what it accepts it accepts again unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDestinationURL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let valid = try? DestinationURL.validate(text, trackingHosts: ["trk.example.com"]) {
        precondition((try? DestinationURL.validate(valid, trackingHosts: ["trk.example.com"])) == valid, "validation is not stable")
    }
    _ = DestinationURL.forwardingQuery(text, to: "https://example.com/a?b=1")
    return 0
}
