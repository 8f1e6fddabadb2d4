// libFuzzer target: the form decoder (Sources/TallyCore/FormURLEncoding.swift) that reads every dashboard form and
// query string. Nothing crashes; encoding any decoded text and decoding it again gives the text back; pairs built
// from encoded names and values parse back to the same pairs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormURLEncoding(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let pairs = FormURLEncoding.pairs(Substring(text))
    for (name, value) in pairs {
        precondition(FormURLEncoding.decode(Substring(FormURLEncoding.encode(name))) == name, "name does not round-trip")
        precondition(FormURLEncoding.decode(Substring(FormURLEncoding.encode(value))) == value, "value does not round-trip")
    }
    let rebuilt = pairs.map { FormURLEncoding.encode($0.0) + "=" + FormURLEncoding.encode($0.1) }.joined(separator: "&")
    let again = FormURLEncoding.pairs(Substring(rebuilt))
    precondition(again.count == pairs.count, "pairs lost in a round trip")
    for (left, right) in zip(again, pairs) { precondition(left == right, "a pair changed in a round trip") }
    return 0
}
