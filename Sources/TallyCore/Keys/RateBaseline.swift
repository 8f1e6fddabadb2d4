/// A key's own request rate, minute by minute over the last hour, to notice a spike against it: a leaked
/// key being used by someone else usually shows up first as traffic its owner never makes.
public struct RateBaseline: Sendable, Equatable {
    public static let window = 60
    /// Minutes of history needed before anything counts as a spike.
    public static let minimumHistory = 10
    /// A minute is a spike when it reaches this many times the average minute, and at least `floor` requests.
    public static let factor = 5
    public static let floor = 30

    private var counts = [Int](repeating: 0, count: RateBaseline.window)
    private var currentMinute: Int64?
    private var firstMinute: Int64?

    public init() {}

    /// Counts one request at `time` (ms); `true` exactly when this request makes its minute a spike.
    public mutating func record(at time: Int64) -> Bool {
        let minute = time / 60_000
        if firstMinute == nil { firstMinute = minute }
        if let current = currentMinute, minute > current {
            // Minutes without requests count as zero.
            for skipped in (current + 1)...min(minute, current + Int64(Self.window)) { counts[Int(skipped % Int64(Self.window))] = 0 }
        }
        if currentMinute == nil || minute > currentMinute! { currentMinute = minute }
        guard minute == currentMinute else { return false }  // a late arrival from an earlier minute
        let slot = Int(minute % Int64(Self.window))
        counts[slot] += 1
        let history = Int(min(minute - firstMinute!, Int64(Self.window - 1)))
        let previous = counts.enumerated().filter { $0.offset != slot }.map(\.element).reduce(0, +)
        guard let threshold = Self.threshold(previous: previous, historyMinutes: history) else { return false }
        return counts[slot] == threshold
    }

    /// The count that makes a minute a spike, given the requests of the `historyMinutes` minutes before it (at most
    /// `window - 1`); nil while there is too little history to tell.
    public static func threshold(previous: Int, historyMinutes: Int) -> Int? {
        guard historyMinutes >= minimumHistory else { return nil }
        return max(floor, factor * previous / historyMinutes)
    }
}
