/// Text made safe inside HTML or SVG, in element content and in quoted attributes alike: the one escaper of the
/// project (pages, charts, QR codes).
public enum HTMLText {
    public static func escaped(_ text: String) -> String {
        // Most text has nothing to escape: one pass over its bytes, and the string itself back. The five characters are
        // ASCII, so replacing their bytes leaves every other character's UTF-8 as it was.
        guard text.utf8.contains(where: { special($0) != nil }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if let replacement = special(byte) { bytes.append(contentsOf: replacement.utf8) } else { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func special(_ byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&#39;"
        default: nil
        }
    }
}
