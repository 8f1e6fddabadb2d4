import Foundation

/// An IPv4 or IPv6 address, parsed without touching the network.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if let v4 = Self.parseV4(text) {
            self = .v4(v4)
            return
        }
        guard let (high, low) = Self.parseV6(text) else { return nil }
        // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 peer on a dual-stack socket.
        if high == 0, low >> 32 == 0xFFFF {
            self = .v4(UInt32(truncatingIfNeeded: low))
        } else {
            self = .v6(high: high, low: low)
        }
    }

    /// The address with its host part hidden: IPv4's last octet, IPv6's last 80 bits zeroed.
    public var masked: IPAddress {
        switch self {
        case .v4(let value): .v4(value & 0xFFFF_FF00)
        case .v6(let high, _): .v6(high: high & 0xFFFF_FFFF_FFFF_0000, low: 0)
        }
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
        case .v6(let high, let low):
            let groups = (0..<8).map { index -> UInt16 in
                let word = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: word >> (UInt64(3 - index % 4) * 16))
            }
            return Self.formatV6(groups)
        }
    }

    /// Dotted quad, no leading `+`, at most three digits a part; parsed from bytes because it runs on every hit.
    static func parseV4(_ text: String) -> UInt32? {
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var dots = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                guard digits <= 3, part <= 255 else { return nil }
            case UInt8(ascii: "."):
                guard digits > 0, dots < 3 else { return nil }
                value = value << 8 | part
                part = 0
                digits = 0
                dots += 1
            default:
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | part
    }

    static func parseV6(_ text: String) -> (UInt64, UInt64)? {
        var text = Substring(text)
        if let zone = text.firstIndex(of: "%") { text = text[..<zone] }
        guard text.count >= 2, text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseV4(String(piece)) {
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                } else {
                    guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let group = UInt16(piece, radix: 16) else {
                        return nil
                    }
                    result.append(group)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }

    /// RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as `::`.
    static func formatV6(_ groups: [UInt16]) -> String {
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard bestStart >= 0 else { return hex.joined(separator: ":") }
        let head = hex[0..<bestStart].joined(separator: ":")
        let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
        return head + "::" + tail
    }
}

extension IPAddress {
    /// 127.0.0.0/8 and ::1: this machine.
    public var isLoopback: Bool {
        switch self {
        case .v4(let value): value >> 24 == 127
        case .v6(let high, let low): high == 0 && low == 1
        }
    }
}
