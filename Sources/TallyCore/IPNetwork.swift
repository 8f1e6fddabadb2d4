/// A CIDR block such as `10.0.0.0/8` or `::1/128`; a bare address is a block of one.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0].trimmingSpaces) else { return nil }
        let maxLength = if case .v4 = address { 32 } else { 128 }
        var length = maxLength
        if parts.count == 2 {
            guard let given = Int(parts[1].trimmingSpaces), (0...maxLength).contains(given) else { return nil }
            length = given
        }
        self.address = address
        self.prefixLength = length
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4(let network), .v4(let value)):
            let mask: UInt32 = prefixLength == 0 ? 0 : ~0 << UInt32(32 - prefixLength)
            return network & mask == value & mask
        case (.v6(let nh, let nl), .v6(let vh, let vl)):
            let highBits = min(prefixLength, 64)
            let lowBits = max(prefixLength - 64, 0)
            let highMask: UInt64 = highBits == 0 ? 0 : ~0 << UInt64(64 - highBits)
            let lowMask: UInt64 = lowBits == 0 ? 0 : ~0 << UInt64(64 - lowBits)
            return nh & highMask == vh & highMask && nl & lowMask == vl & lowMask
        default:
            return false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    /// A block of one as its bare address (how ClickMeter echoed a blacklisted address), any other block in CIDR form.
    public var compactDescription: String {
        let single = if case .v4 = address { prefixLength == 32 } else { prefixLength == 128 }
        return single ? "\(address)" : description
    }

    /// Parses a comma-separated list, naming the first entry that is not a CIDR.
    public static func parseList(_ text: String) throws(ValidationError) -> [IPNetwork] {
        var result: [IPNetwork] = []
        for entry in text.split(separator: ",") where !entry.trimmingSpaces.isEmpty {
            guard let network = IPNetwork(entry) else {
                throw ValidationError(
                    field: "trusted-proxies", code: "cidr_invalid", message: "'\(entry.trimmingSpaces)' is not an IP address or CIDR block")
            }
            result.append(network)
        }
        return result
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        let scalars = Substring(self)
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })!
        return scalars[first...last]
    }
}
