/// A sequential or weighted rotator's whole cycle as a list: the destination of the n-th visit is
/// `index(at: n)`. Sequential goes through the destinations in order; weighted follows smooth weighted round robin
/// (`RotatorState.smoothWeighted`), so over one cycle of `total` visits each destination gets exactly its weight,
/// evenly spread. Several nodes that hand out positions from one shared counter (`SharedRotatorPositions`) therefore
/// keep the order and the shares of one node.
public struct RotatorSchedule: Sendable, Equatable {
    /// Destination indexes of one cycle (at most 50 destinations × weight 100: 5,000 entries).
    public let cycle: [UInt8]
    /// Identifies the destinations and their weights: a changed rotator starts its cycle again.
    public let fingerprint: Int64

    /// `nil` for a link that does not rotate in order (one destination, random, spillover, no rotator).
    public init?(_ options: LinkOptions) {
        let destinations = options.destinations
        guard destinations.count > 1, destinations.count <= 256, options.mode == .sequential || options.mode == .weighted else { return nil }
        if options.mode == .sequential {
            cycle = destinations.indices.map { UInt8($0) }
        } else {
            let weights = destinations.map { max(1, $0.weight) }
            var credit: [Int] = []
            cycle = (0..<weights.reduce(0, +)).map { _ in UInt8(RotatorState.smoothWeighted(&credit, weights: weights)) }
        }
        fingerprint = Self.fingerprint(options)
    }

    public func index(at position: Int64) -> Int {
        Int(cycle[Int(position % Int64(cycle.count))])
    }

    /// FNV-1a over the mode, each URL and each weight.
    public static func fingerprint(_ options: LinkOptions) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        add(options.mode.rawValue.description.utf8)
        for destination in options.destinations {
            add([0])
            add(destination.url.utf8)
            add([1])
            add(destination.weight.description.utf8)
        }
        return Int64(bitPattern: hash)
    }
}
