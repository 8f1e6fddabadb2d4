import Foundation
import TallyCore

/// How times and numbers read on the pages (UTC, ISO-like, so a screenshot means the same anywhere).
enum DashboardFormat {
    static func time(_ milliseconds: Int64) -> String {
        let day = LocalTime.floorDiv(milliseconds, LocalTime.dayMilliseconds)
        let (year, month, date) = LocalTime.civil(day)
        let minutes = (milliseconds - day * LocalTime.dayMilliseconds) / 60_000
        return "\(year)-\(two(month))-\(two(date)) \(two(Int(minutes / 60))):\(two(Int(minutes % 60))) UTC"
    }

    static func day(_ day: Int64) -> String {
        let (year, month, date) = LocalTime.civil(day)
        return "\(year)-\(two(month))-\(two(date))"
    }

    static func shortDay(_ day: Int64) -> String {
        let (_, month, date) = LocalTime.civil(day)
        return "\(two(date))/\(two(month))"
    }

    static func hour(_ milliseconds: Int64) -> String {
        "\(two(Int((milliseconds % LocalTime.dayMilliseconds) / 3_600_000))):00"
    }

    static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    static func number(_ value: Int64) -> String {
        let text = String(value.magnitude)
        var result = ""
        for (index, character) in text.enumerated() {
            if index > 0, (text.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }
}
