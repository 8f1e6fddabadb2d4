import Foundation

/// Day boundaries in an account's time zone. Roll-ups keep UTC hours (exact in every zone with whole-hour
/// offsets) and local days; a day is numbered like a Unix day, counted in local time.
public struct LocalTime: Sendable {
    public static let dayMilliseconds: Int64 = 86_400_000
    public let zone: TimeZone
    /// UTC and other zones without summer time: the offset is asked once, not per hit (the writer asks for every hit).
    let fixedOffset: Int64?

    public init(zone: TimeZone) {
        self.zone = zone
        let now = Date()
        fixedOffset = zone.nextDaylightSavingTimeTransition(after: now) == nil ? Int64(zone.secondsFromGMT(for: now)) * 1000 : nil
    }

    public init(identifier: String) {
        if identifier == "UTC" {
            self = .utc
        } else {
            self.init(zone: TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0)!)
        }
    }

    public static let utc = LocalTime(zone: TimeZone(secondsFromGMT: 0)!)

    public func offset(at time: Int64) -> Int64 {
        if let fixedOffset { return fixedOffset }
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time) / 1000))) * 1000
    }

    /// The local day `time` falls on.
    public func day(of time: Int64) -> Int64 {
        Self.floorDiv(time + offset(at: time), Self.dayMilliseconds)
    }

    /// The UTC instant a local day starts (the offset in force at that moment, found by settling twice).
    public func start(ofDay day: Int64) -> Int64 {
        let local = day * Self.dayMilliseconds
        var guess = local - offset(at: local)
        guess = local - offset(at: guess)
        return guess
    }

    /// Stretches of [from, to) with one UTC offset each, split at the zone's transitions: what SQL needs to put
    /// hours into local days (one `CASE` branch per stretch).
    public func periods(from: Int64, to: Int64) -> [(from: Int64, to: Int64, offset: Int64)] {
        if let fixedOffset { return from < to ? [(from, to, fixedOffset)] : [] }
        var result: [(Int64, Int64, Int64)] = []
        var start = from
        while start < to {
            let date = Date(timeIntervalSince1970: Double(start) / 1000)
            let offset = Int64(zone.secondsFromGMT(for: date)) * 1000
            var end = to
            if let next = zone.nextDaylightSavingTimeTransition(after: date) {
                end = min(to, Int64((next.timeIntervalSince1970 * 1000).rounded()))
            }
            if end <= start { end = to }
            result.append((start, end, offset))
            start = end
        }
        return result
    }

    /// Year, month and day of a local day number.
    public static func civil(_ day: Int64) -> (year: Int, month: Int, day: Int) {
        // Howard Hinnant's days-to-civil, exact for every Int64 day a timestamp can make.
        let z = day + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// The day number of a civil date.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Monday-based weekday, 0 = Monday (1970-01-01 was a Thursday).
    public static func weekday(_ day: Int64) -> Int64 {
        ((day + 3) % 7 + 7) % 7
    }

    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
