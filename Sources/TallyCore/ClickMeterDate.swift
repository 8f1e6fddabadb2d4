import Foundation

/// ClickMeter's dates: `YYYYMMDDHHmmss` in UTC on output; 8, 12 or 14 digits on input.
public enum ClickMeterDate {
    /// `YYYYMMDDHHmmss` in UTC. Integer arithmetic: a Calendar and `String(format:)` per date were 2 % of the CPU of a
    /// batch creation (every answered datapoint carries its creation date).
    public static func format(_ milliseconds: Int64) -> String {
        let seconds = LocalTime.floorDiv(milliseconds, 1000)
        let day = LocalTime.floorDiv(seconds, 86_400)
        let second = Int(seconds - day * 86_400)
        let (year, month, dayOfMonth) = LocalTime.civil(day)
        var text = ""
        text.reserveCapacity(14)
        for (value, width) in [(year, 4), (month, 2), (dayOfMonth, 2), (second / 3600, 2), (second / 60 % 60, 2), (second % 60, 2)] {
            let digits = String(value)
            if digits.count < width { text += String(repeating: "0", count: width - digits.count) }
            text += digits
        }
        return text
    }

    /// Milliseconds since 1970 for `YYYYMMDD`, `YYYYMMDDHHmm` or `YYYYMMDDHHmmss` (UTC); `nil` for anything else.
    public static func parse(_ text: String) -> Int64? {
        let digits = Array(text.utf8)
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        func number(_ range: Range<Int>) -> Int { Int(String(decoding: digits[range], as: UTF8.self))! }
        var parts = DateComponents()
        parts.year = number(0..<4)
        parts.month = number(4..<6)
        parts.day = number(6..<8)
        parts.hour = digits.count >= 12 ? number(8..<10) : 0
        parts.minute = digits.count >= 12 ? number(10..<12) : 0
        parts.second = digits.count == 14 ? number(12..<14) : 0
        guard (1...12).contains(parts.month!), (1...31).contains(parts.day!), parts.hour! < 24, parts.minute! < 60, parts.second! < 60 else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: parts) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// A local day number as `YYYYMMDD`.
    public static func dayText(_ day: Int64) -> String {
        let (year, month, dayOfMonth) = LocalTime.civil(day)
        return String(format: "%04d%02d%02d", year, month, dayOfMonth)
    }

    /// The day number of `YYYYMMDD`; `nil` for anything else.
    public static func day(_ text: String) -> Int64? {
        guard text.utf8.count == 8, let time = parse(text) else { return nil }
        return time / LocalTime.dayMilliseconds
    }
}
