/// The URL- and copy-safe alphabet of API keys (`0-9A-Za-z`), so a key survives a double-click selection.
enum Base62 {
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    static func isDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"): true
        default: false
        }
    }

    /// `count` characters from a CSPRNG, each uniform over the alphabet (rejection sampling, no modulo bias).
    static func random(count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let value = UInt8.random(in: 0...255, using: &generator)
            // 248 = 62 × 4: values above it would favour the first characters.
            if value < 248 { bytes.append(alphabet[Int(value % 62)]) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Fixed width, most significant digit first.
    static func encode(_ value: UInt32, width: Int) -> String {
        var value = value
        var digits = [UInt8](repeating: alphabet[0], count: width)
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(value % 62)]
            value /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
