import Synchronization

/// Where each rotator is in its rotation, per node. Sequential and weighted rotators are exact on one node
/// (weighted uses smooth weighted round robin, so 70/30 means 7 of every 10 visits, evenly spread);
/// behind several nodes each node rotates on its own, which keeps the shares and loses only the global order.
public final class RotatorState: Sendable {
    private struct Rotation {
        var destinations: [RotatorDestination]
        var next = 0
        var credit: [Int]
    }

    private let rotations = Mutex<[Int64: Rotation]>([:])

    public init() {}

    /// The index into `options.destinations` for this visit.
    /// - Parameter spilloverStep: how many times this visitor has been here before (from their cookie).
    public func choose(datapointID: Int64, options: LinkOptions, spilloverStep: Int = 0) -> Int {
        let count = options.destinations.count
        guard count > 1 else { return 0 }
        switch options.mode {
        case .random:
            return Int.random(in: 0..<count)
        case .spillover:
            return min(max(spilloverStep, 0), count - 1)
        case .sequential, .weighted:
            return rotations.withLock { rotations in
                var rotation = rotations[datapointID] ?? Rotation(destinations: options.destinations, credit: [])
                if rotation.destinations != options.destinations {
                    // The link was edited: start its new rotation from the top.
                    rotation = Rotation(destinations: options.destinations, credit: [])
                }
                let index: Int
                if options.mode == .sequential {
                    index = rotation.next % count
                    rotation.next = index + 1
                } else {
                    index = Self.smoothWeighted(&rotation.credit, weights: options.destinations.map(\.weight))
                }
                rotations[datapointID] = rotation
                return index
            }
        default:
            return 0
        }
    }

    /// nginx's smooth weighted round robin: every pick adds each weight to its credit, takes the largest credit
    /// and charges it the total, so over `total` picks each destination is chosen exactly `weight` times.
    static func smoothWeighted(_ credit: inout [Int], weights: [Int]) -> Int {
        if credit.count != weights.count { credit = Array(repeating: 0, count: weights.count) }
        let total = weights.reduce(0, +)
        var best = 0
        for index in weights.indices {
            credit[index] += weights[index]
            if credit[index] > credit[best] { best = index }
        }
        credit[best] -= total
        return best
    }
}
