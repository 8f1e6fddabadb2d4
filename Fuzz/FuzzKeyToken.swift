// libFuzzer target: API key parsing (Sources/TallyCore/Keys). Whatever the bytes, parsing never crashes, and what
// parses prints back as the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyToken(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let token = APIKeyToken(parsing: text) {
        precondition(APIKeyToken(parsing: token.text) == token, "a parsed key does not round-trip")
    }
    return 0
}
