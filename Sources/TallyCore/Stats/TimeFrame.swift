/// ClickMeter's time frames, resolved to an inclusive range of local days.
public enum TimeFrame: String, Sendable, CaseIterable {
    case today, yesterday, last7, last30, lastmonth, currentmonth, previousmonth, last90, last120, last180, last12months, lastyear,
        currentyear, beginning, custom

    /// Accepts any case; `custom` needs both days.
    public static func parse(_ text: String?) throws(ValidationError) -> TimeFrame {
        guard let text, !text.isEmpty else {
            throw ValidationError(field: "timeFrame", code: "timeframe_required", message: "timeFrame is required (today, last7, last30, …, custom)")
        }
        guard let frame = TimeFrame(rawValue: text.lowercased()) else {
            let names = allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "timeFrame", code: "timeframe_invalid", message: "timeFrame must be one of \(names)")
        }
        return frame
    }

    /// The inclusive local days this frame covers on `today`. `beginning` starts on `firstDay` (the account's first day).
    public func days(today: Int64, firstDay: Int64, fromDay: String?, toDay: String?) throws(ValidationError) -> ClosedRange<Int64> {
        let (year, month, _) = LocalTime.civil(today)
        switch self {
        case .today: return today...today
        case .yesterday: return (today - 1)...(today - 1)
        case .last7: return (today - 6)...today
        case .last30: return (today - 29)...today
        case .last90: return (today - 89)...today
        case .last120: return (today - 119)...today
        case .last180: return (today - 179)...today
        case .lastmonth: return Self.sameDay(today, monthsBack: 1) + 1...today
        case .last12months: return Self.sameDay(today, monthsBack: 12) + 1...today
        case .currentmonth: return LocalTime.dayNumber(year: year, month: month, day: 1)...today
        case .previousmonth:
            let first = LocalTime.dayNumber(year: month == 1 ? year - 1 : year, month: month == 1 ? 12 : month - 1, day: 1)
            return first...(LocalTime.dayNumber(year: year, month: month, day: 1) - 1)
        case .currentyear: return LocalTime.dayNumber(year: year, month: 1, day: 1)...today
        case .lastyear: return LocalTime.dayNumber(year: year - 1, month: 1, day: 1)...(LocalTime.dayNumber(year: year, month: 1, day: 1) - 1)
        case .beginning: return min(firstDay, today)...today
        case .custom:
            let from = try Self.day(fromDay, field: "fromDay")
            let to = try Self.day(toDay, field: "toDay")
            guard from <= to else {
                throw ValidationError(field: "toDay", code: "range_invalid", message: "toDay must not be before fromDay")
            }
            guard to - from < 3660 else {
                throw ValidationError(field: "fromDay", code: "range_too_long", message: "A custom range may cover at most 10 years")
            }
            return from...to
        }
    }

    /// `YYYYMMDD`, `YYYYMMDDHHmm` or `YYYYMMDDHHmmss` (clients send all three); only the day counts.
    public static func day(_ text: String?, field: String) throws(ValidationError) -> Int64 {
        guard let text, !text.isEmpty else {
            throw ValidationError(field: field, code: "day_required", message: "\(field) is required with timeFrame=custom (YYYYMMDD)")
        }
        let digits = Array(text.utf8)
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw ValidationError(field: field, code: "day_invalid", message: "\(field) must be YYYYMMDD")
        }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(digits[$1] - 48) } }
        let year = number(0..<4)
        let month = number(4..<6)
        let day = number(6..<8)
        guard (1970...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(year: year, month: month) else {
            throw ValidationError(field: field, code: "day_invalid", message: "\(field) is not a date")
        }
        return LocalTime.dayNumber(year: year, month: month, day: day)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        let next = month == 12 ? LocalTime.dayNumber(year: year + 1, month: 1, day: 1) : LocalTime.dayNumber(year: year, month: month + 1, day: 1)
        return Int(next - LocalTime.dayNumber(year: year, month: month, day: 1))
    }

    /// The same day of the month `monthsBack` months earlier (clamped to that month's length).
    static func sameDay(_ today: Int64, monthsBack: Int) -> Int64 {
        let (year, month, day) = LocalTime.civil(today)
        let total = year * 12 + (month - 1) - monthsBack
        let (y, m) = (total / 12, total % 12 + 1)
        return LocalTime.dayNumber(year: y, month: m, day: min(day, daysIn(year: y, month: m)))
    }
}

/// How an aggregated list is bucketed: by day (default), ISO week (Monday first) or calendar month.
public enum StatsGrouping: String, Sendable {
    case day, week, month

    public static func parse(_ text: String?) throws(ValidationError) -> StatsGrouping {
        guard let text, !text.isEmpty else { return .day }
        guard let grouping = StatsGrouping(rawValue: text.lowercased()), grouping != .day || text.lowercased() == "day" else {
            throw ValidationError(field: "groupBy", code: "group_by_invalid", message: "groupBy must be week or month")
        }
        return grouping
    }

    /// The first day of the bucket `day` belongs to.
    public func bucket(of day: Int64) -> Int64 {
        switch self {
        case .day: day
        case .week: day - LocalTime.weekday(day)
        case .month:
            LocalTime.dayNumber(year: LocalTime.civil(day).year, month: LocalTime.civil(day).month, day: 1)
        }
    }
}
