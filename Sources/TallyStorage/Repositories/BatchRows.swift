/// A batch of rows for one bulk write, built byte by byte (it runs for every hit), in either of two encodings:
/// - `.json`: one JSON array of arrays (`[[1,"a",true],[2,"b",false]]`), the single bound value of a `JSONRowInsert`;
/// - `.copy`: PostgreSQL's `COPY` text format (tab between values, a newline after each row, backslash escapes), which
///   PostgreSQL reads with no JSON parse: parsing a batch's bound `jsonb` was most of its CPU per hit.
/// Callers write each row once, in column order, whatever the encoding.
struct BatchRows {
    enum Format {
        case json, copy
    }

    let format: Format
    private(set) var bytes: [UInt8]
    private(set) var count = 0
    private var valuesInRow = 0

    init(_ format: Format = .json, reservingRows rows: Int = 0, bytesPerRow: Int = 0) {
        self.format = format
        bytes = format == .json ? [UInt8(ascii: "[")] : []
        bytes.reserveCapacity(rows * bytesPerRow + 2)
    }

    mutating func row(_ write: (inout BatchRows) -> Void) {
        if format == .json {
            if count > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "["))
        }
        valuesInRow = 0
        write(&self)
        bytes.append(format == .json ? UInt8(ascii: "]") : UInt8(ascii: "\n"))
        count += 1
    }

    mutating func int(_ value: Int64) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 0
        withUnsafeMutableBytes(of: &digits) { digits in
            repeat {
                digits[length] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                length += 1
            } while magnitude > 0
            for index in stride(from: length - 1, through: 0, by: -1) { bytes.append(digits[index]) }
        }
    }

    /// Money and values; JSON has no NaN or infinity, and callers validate them away, so they become 0. Swift's
    /// description is the shortest text that reads back as the same double, in either encoding.
    mutating func double(_ value: Double) {
        separate()
        bytes.append(contentsOf: (value.isFinite ? value : 0).description.utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        switch format {
        case .json: bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
        case .copy: bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        }
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: format == .json ? Self.nullBytes : Self.copyNullBytes)
    }

    /// RFC 8259 string escaping, or COPY's. NUL is dropped: PostgreSQL text cannot hold it, and no header or URL
    /// carries one legitimately.
    mutating func string(_ value: String?) {
        guard let value else { return null() }
        separate()
        switch format {
        case .json:
            bytes.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case 0:
                    continue
                case 0x01..<0x20:
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xF)])
                default:
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        case .copy:
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0: continue
                default: bytes.append(byte)
                }
            }
        }
    }

    /// The finished JSON array, as the text to bind.
    var text: String {
        precondition(format == .json)
        var bytes = bytes
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func separate() {
        if valuesInRow > 0 { bytes.append(format == .json ? UInt8(ascii: ",") : UInt8(ascii: "\t")) }
        valuesInRow += 1
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)
    private static let copyNullBytes = Array("\\N".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
}
