import NIOCore
import TallyCore

extension IPAddress {
    /// The peer's address read straight from the socket address: `SocketAddress.ipAddress` would format it
    /// as text only for us to parse it back, on every hit.
    init?(_ address: SocketAddress) {
        // Read as bytes at their fixed offsets: `sockaddr_in` keeps the address at byte 4 and `sockaddr_in6` at
        // byte 8 (after family, port and flow info) on Linux and Darwin alike, in network byte order.
        switch address {
        case .v4(let v4):
            self = .v4(withUnsafeBytes(of: v4.address) { Self.bigEndian($0, from: 4, count: 4) }.truncatingToUInt32)
        case .v6(let v6):
            let (high, low) = withUnsafeBytes(of: v6.address) { (Self.bigEndian($0, from: 8, count: 8), Self.bigEndian($0, from: 16, count: 8)) }
            // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 peer on a dual-stack socket.
            if high == 0, low >> 32 == 0xFFFF {
                self = .v4(UInt32(truncatingIfNeeded: low))
            } else {
                self = .v6(high: high, low: low)
            }
        case .unixDomainSocket:
            return nil
        }
    }

    private static func bigEndian(_ bytes: UnsafeRawBufferPointer, from offset: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in offset..<(offset + count) { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}

extension UInt64 {
    fileprivate var truncatingToUInt32: UInt32 { UInt32(truncatingIfNeeded: self) }
}
