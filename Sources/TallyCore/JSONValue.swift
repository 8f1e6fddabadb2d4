import Foundation

/// A parsed JSON value. Numbers keep the literal the client wrote, so a reader decides how to take it (an id of
/// 9223372036854775807 stays exact, `"1.5"` is not an integer) instead of a `NSNumber` deciding for it.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Member names as sent; a name given twice keeps its last value (as `JSONSerialization` does).
    case object([String: JSONValue])

    /// Nesting deeper than this is refused: the parser recurses, and a 256 KiB body of `[` must not end the process.
    public static let maximumDepth = 256

    /// One JSON text (RFC 8259), or nil for anything else: bad syntax, invalid UTF-8, an unpaired surrogate escape,
    /// nesting deeper than `maximumDepth`, or bytes after the value.
    public init?(parsing bytes: some Collection<UInt8>) {
        guard let utf8 = Self.utf8(Array(bytes)) else { return nil }
        let parsed: JSONValue? = utf8.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(buffer)
            guard let value = parser.value(depth: 0) else { return nil }
            parser.skipWhitespace()
            return parser.atEnd ? value : nil
        }
        guard let parsed else { return nil }
        self = parsed
    }

    /// The body as UTF-8, as `JSONSerialization` (which read bodies before) takes it: a UTF-8 byte order mark dropped,
    /// UTF-16 and UTF-32 (told by their byte order mark, or by the zero bytes around the first two characters, which
    /// JSON keeps ASCII) transcoded; nil when such a body is not valid in its encoding.
    static func utf8(_ bytes: [UInt8]) -> [UInt8]? {
        func units<Unit: FixedWidthInteger & UnsignedInteger>(_: Unit.Type, bigEndian: Bool, from start: Int) -> [Unit]? {
            let size = Unit.bitWidth / 8
            guard (bytes.count - start) % size == 0 else { return nil }
            return stride(from: start, to: bytes.count, by: size).map { offset in
                let unit = bytes[offset..<offset + size]
                return (bigEndian ? Array(unit) : Array(unit.reversed())).reduce(Unit.zero) { $0 << 8 | Unit($1) }
            }
        }
        func utf16(bigEndian: Bool, from start: Int) -> [UInt8]? {
            units(UInt16.self, bigEndian: bigEndian, from: start).flatMap { String(validating: $0, as: UTF16.self) }.map { Array($0.utf8) }
        }
        func utf32(bigEndian: Bool, from start: Int) -> [UInt8]? {
            units(UInt32.self, bigEndian: bigEndian, from: start).flatMap { String(validating: $0, as: UTF32.self) }.map { Array($0.utf8) }
        }
        let head = Array(bytes.prefix(4)) + Array(repeating: 0xAA, count: max(0, 4 - bytes.count))
        switch (head[0], head[1], head[2], head[3]) {
        case (0xEF, 0xBB, 0xBF, _): return Array(bytes.dropFirst(3))
        case (0x00, 0x00, 0xFE, 0xFF): return utf32(bigEndian: true, from: 4)
        case (0xFF, 0xFE, 0x00, 0x00): return utf32(bigEndian: false, from: 4)
        case (0xFE, 0xFF, _, _): return utf16(bigEndian: true, from: 2)
        case (0xFF, 0xFE, _, _): return utf16(bigEndian: false, from: 2)
        // RFC 4627's patterns of zeros in the first four bytes (two in a body of two or three).
        case (0x00, 0x00, 0x00, _) where bytes.count >= 4: return utf32(bigEndian: true, from: 0)
        case (_, 0x00, 0x00, 0x00) where bytes.count >= 4: return utf32(bigEndian: false, from: 0)
        case (0x00, _, 0x00, _) where bytes.count >= 4: return utf16(bigEndian: true, from: 0)
        case (_, 0x00, _, 0x00) where bytes.count >= 4: return utf16(bigEndian: false, from: 0)
        case (0x00, _, _, _) where bytes.count < 4: return utf16(bigEndian: true, from: 0)
        case (_, 0x00, _, _) where bytes.count < 4: return utf16(bigEndian: false, from: 0)
        default: return bytes
        }
    }

    /// A value from `JSONSerialization`'s objects (the importer reads ClickMeter's answers with it).
    public init(foundation value: Any) {
        switch value {
        case let text as String: self = .string(text)
        case let number as NSNumber:
            if WireObject.isBool(number) {
                self = .bool(number.boolValue)
            } else if let integer = number as? Int64 {
                // Exact: an integer beyond 2^53 is not read through a Double.
                self = .number(String(integer))
            } else {
                self = .number(number.stringValue)
            }
        case let array as [Any]: self = .array(array.map(JSONValue.init(foundation:)))
        case let object as [String: Any]: self = .object(object.mapValues(JSONValue.init(foundation:)))
        default: self = .null
        }
    }
}

/// A recursive-descent reader over the body's bytes. Every index is checked against the end before it is read.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    mutating func value(depth: Int) -> JSONValue? {
        skipWhitespace()
        guard let byte = peek() else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return depth < JSONValue.maximumDepth ? object(depth: depth + 1) : nil
        case UInt8(ascii: "["): return depth < JSONValue.maximumDepth ? array(depth: depth + 1) : nil
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
        case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        default: return number()
        }
    }

    /// A comma before the closing bracket is allowed, as `JSONSerialization` (which read bodies before) allows it.
    private mutating func object(depth: Int) -> JSONValue? {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            skipWhitespace()
            if !members.isEmpty, consume(UInt8(ascii: "}")) { return .object(members) }
            guard peek() == UInt8(ascii: "\""), let name = string() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")), let member = value(depth: depth) else { return nil }
            members[name] = member
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}")) ? .object(members) : nil
        }
    }

    private mutating func array(depth: Int) -> JSONValue? {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            skipWhitespace()
            if !elements.isEmpty, consume(UInt8(ascii: "]")) { return .array(elements) }
            guard let element = value(depth: depth) else { return nil }
            elements.append(element)
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "]")) ? .array(elements) : nil
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    private mutating func number() -> JSONValue? {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
        } else {
            guard let first = peek(), (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first) else { return nil }
            digits()
        }
        if consume(UInt8(ascii: ".")) {
            guard digits() > 0 else { return nil }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard digits() > 0 else { return nil }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    @discardableResult
    private mutating func digits() -> Int {
        let start = index
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }

    /// A string from its opening quote; its bytes must be valid UTF-8 and free of raw control characters.
    private mutating func string() -> String? {
        index += 1
        let start = index
        // The common case: no escapes, so the text is a slice of the body.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        guard let stop = peek() else { return nil }
        var utf8 = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(validating: utf8, as: UTF8.self)
        }
        while let byte = peek() {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(validating: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = escape() else { return nil }
                utf8.append(contentsOf: escaped)
            case 0..<0x20: return nil
            default: utf8.append(byte)
            }
        }
        return nil
    }

    /// The bytes an escape stands for, the backslash already read.
    private mutating func escape() -> [UInt8]? {
        guard let byte = peek() else { return nil }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return [byte]
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "u"):
            guard let unit = hexUnit() else { return nil }
            var scalar = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                guard literal("\\u"), let low = hexUnit(), (0xDC00...0xDFFF).contains(low) else { return nil }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                return nil
            }
            guard let character = Unicode.Scalar(scalar) else { return nil }
            return Array(String(Character(character)).utf8)
        default: return nil
        }
    }

    private mutating func hexUnit() -> UInt16? {
        guard bytes.count - index >= 4 else { return nil }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
            index += 1
        }
        return unit
    }
}
