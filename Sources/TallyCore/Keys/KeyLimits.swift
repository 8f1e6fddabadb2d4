import Foundation

/// A named limit beside a key's per-second rate: at most `requests` in any `seconds`, as a token bucket holding
/// `requests` and refilled evenly over `seconds` (so `daily: 50,000 / 86,400 s` allows a burst of 50,000 and then
/// about one request every 1.7 seconds, never more than 100,000 in any day).
public struct KeyLimit: Sendable, Equatable, Hashable {
    public let name: String
    public let requests: Int
    public let seconds: Int

    public static let maximumRequests = 1_000_000_000
    /// A year.
    public static let maximumSeconds = 31_536_000
    public static let maximumPerKey = 5

    public init(name: String, requests: Int, seconds: Int) throws(ValidationError) {
        guard (1...32).contains(name.utf8.count), name.utf8.allSatisfy(Self.isNameByte), name != "rate" else {
            throw ValidationError(
                field: "limits", code: "limit_invalid", message: "a limit's name is 1 to 32 of a-z, 0-9, - and _ (and not \"rate\")")
        }
        guard (1...Self.maximumRequests).contains(requests), (1...Self.maximumSeconds).contains(seconds) else {
            throw ValidationError(
                field: "limits", code: "limit_invalid", message: "a limit allows 1 to 1000000000 requests in 1 to 31536000 seconds")
        }
        self.name = name
        self.requests = requests
        self.seconds = seconds
    }

    /// Tokens a second.
    public var rate: Double { Double(requests) / Double(seconds) }

    /// Whether this limit is at least as strict as a bucket of `requests` refilled at `rate` a second.
    public func isWithin(requests other: Int, rate otherRate: Double) -> Bool {
        requests <= other && rate <= otherRate
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// A key's limits as stored: `name:requests:seconds`, comma-separated.
    public static func text(_ limits: [KeyLimit]) -> String {
        limits.map { "\($0.name):\($0.requests):\($0.seconds)" }.joined(separator: ",")
    }

    /// The stored text back (entries that no longer parse are left out rather than failing the key).
    public static func parse(_ text: String) -> [KeyLimit] {
        text.split(separator: ",").compactMap { entry in
            let parts = entry.split(separator: ":")
            guard parts.count == 3, let requests = Int(parts[1]), let seconds = Int(parts[2]) else { return nil }
            return try? KeyLimit(name: String(parts[0]), requests: requests, seconds: seconds)
        }
    }

    /// Checks a key's list: at most five, names unique.
    public static func validate(_ limits: [KeyLimit]) throws(ValidationError) {
        guard limits.count <= maximumPerKey else {
            throw ValidationError(field: "limits", code: "limit_invalid", message: "a key has at most 5 named limits")
        }
        guard Set(limits.map(\.name)).count == limits.count else {
            throw ValidationError(field: "limits", code: "limit_invalid", message: "each limit of a key needs its own name")
        }
    }
}

/// How a usage-limited key's credits come back: set to `amount` at the start of each UTC day or month (not added:
/// unused credits do not pile up).
public struct UsageRefill: Sendable, Equatable, Hashable {
    public enum Period: String, Sendable, CaseIterable {
        case day, month
    }

    public let amount: Int64
    public let period: Period

    public init(amount: Int64, period: Period) throws(ValidationError) {
        guard (1...1_000_000_000_000).contains(amount) else {
            throw ValidationError(field: "usage", code: "usage_invalid", message: "a refill is 1 to 1000000000000 requests")
        }
        self.amount = amount
        self.period = period
    }

    /// The start (ms, UTC) of the period holding `now`.
    public func periodStart(at now: Int64) -> Int64 {
        let day: Int64 = 86_400_000
        let startOfDay = now - ((now % day) + day) % day
        switch period {
        case .day: return startOfDay
        case .month:
            let date = Date(timeIntervalSince1970: Double(now) / 1000)
            let parts = Self.utc.dateComponents([.year, .month], from: date)
            return Int64((Self.utc.date(from: parts)?.timeIntervalSince1970 ?? 0) * 1000)
        }
    }

    /// The start of the next period after the one holding `now`.
    public func nextPeriod(after now: Int64) -> Int64 {
        switch period {
        case .day: return periodStart(at: now) + 86_400_000
        case .month:
            let start = Date(timeIntervalSince1970: Double(periodStart(at: now)) / 1000)
            let next = Self.utc.date(byAdding: .month, value: 1, to: start) ?? start
            return Int64(next.timeIntervalSince1970 * 1000)
        }
    }

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}

/// What spending one credit of a usage-limited key gave.
public enum CreditSpend: Sendable, Equatable {
    /// Spent; this many are left.
    case spent(remaining: Int64)
    /// None left; more come at `refillAt` (ms) when the key has a refill.
    case exhausted(refillAt: Int64?)
}

/// A key's usage limit as asked for: the credits it starts with (or is set to) and its refill, if any.
public struct UsageLimit: Sendable, Equatable {
    public var remaining: Int64?
    public var refill: UsageRefill?

    public init(remaining: Int64?, refill: UsageRefill?) throws(ValidationError) {
        guard remaining != nil || refill != nil else {
            throw ValidationError(field: "usage", code: "usage_invalid", message: "a usage limit needs remaining, a refill, or both")
        }
        guard (0...1_000_000_000_000).contains(remaining ?? 0) else {
            throw ValidationError(field: "usage", code: "usage_invalid", message: "remaining must be 0 to 1000000000000")
        }
        self.remaining = remaining
        self.refill = refill
    }

    /// What the key holds at first: `remaining`, else a full refill.
    public var startingCredits: Int64 { remaining ?? refill?.amount ?? 0 }
}
