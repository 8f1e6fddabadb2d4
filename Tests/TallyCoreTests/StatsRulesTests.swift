import Foundation
import Testing

@testable import TallyCore

@Suite struct StatsRulesTests {
    /// 2026-11-29 (a Sunday).
    let today = LocalTime.dayNumber(year: 2026, month: 11, day: 29)

    func range(_ frame: TimeFrame, from: String? = nil, to: String? = nil) throws -> (String, String) {
        let days = try frame.days(today: today, firstDay: today - 400, fromDay: from, toDay: to)
        func text(_ day: Int64) -> String {
            let (y, m, d) = LocalTime.civil(day)
            return String(format: "%04d-%02d-%02d", y, m, d)
        }
        return (text(days.lowerBound), text(days.upperBound))
    }

    @Test func civilDatesRoundTrip() {
        #expect(LocalTime.dayNumber(year: 1970, month: 1, day: 1) == 0)
        #expect(LocalTime.dayNumber(year: 2000, month: 3, day: 1) == 11017)
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = LocalTime.civil(day)
            #expect(LocalTime.dayNumber(year: y, month: m, day: d) == day)
        }
        #expect(LocalTime.weekday(today) == 6)
    }

    @Test func everyTimeFrameResolves() throws {
        #expect(try range(.today) == ("2026-11-29", "2026-11-29"))
        #expect(try range(.yesterday) == ("2026-11-28", "2026-11-28"))
        #expect(try range(.last7) == ("2026-11-23", "2026-11-29"))
        #expect(try range(.last30) == ("2026-10-31", "2026-11-29"))
        #expect(try range(.last90) == ("2026-09-01", "2026-11-29"))
        #expect(try range(.last120) == ("2026-08-02", "2026-11-29"))
        #expect(try range(.last180) == ("2026-06-03", "2026-11-29"))
        #expect(try range(.lastmonth) == ("2026-10-30", "2026-11-29"))
        #expect(try range(.currentmonth) == ("2026-11-01", "2026-11-29"))
        #expect(try range(.previousmonth) == ("2026-10-01", "2026-10-31"))
        #expect(try range(.last12months) == ("2025-11-30", "2026-11-29"))
        #expect(try range(.currentyear) == ("2026-01-01", "2026-11-29"))
        #expect(try range(.lastyear) == ("2025-01-01", "2025-12-31"))
        #expect(try range(.beginning) == ("2025-10-25", "2026-11-29"))
        #expect(try range(.custom, from: "20260201", to: "202602281200") == ("2026-02-01", "2026-02-28"))
        #expect(try TimeFrame.parse("LAST7") == .last7)
    }

    @Test func badTimeFramesAreRefusedWithTheirField() {
        #expect(throws: ValidationError.self) { try TimeFrame.parse("last8") }
        #expect(throws: ValidationError.self) { try TimeFrame.parse(nil) }
        for (from, to, code) in [
            (nil, "20260101", "day_required"), ("2026013", "20260101", "day_invalid"), ("20260230", "20260301", "day_invalid"),
            ("20260301", "20260201", "range_invalid"), ("19990101", "20260101", "range_too_long"), ("2026O101", "20260101", "day_invalid"),
        ] {
            var refused: String?
            do { _ = try TimeFrame.custom.days(today: today, firstDay: 0, fromDay: from, toDay: to) } catch {
                refused = error.code
            }
            #expect(refused == code, "\(from ?? "nil")…\(to)")
        }
    }

    @Test func groupingBuckets() throws {
        #expect(try StatsGrouping.parse(nil) == .day)
        #expect(try StatsGrouping.parse("Week") == .week)
        #expect(throws: ValidationError.self) { try StatsGrouping.parse("year") }
        // Sunday 29 November belongs to the week starting Monday 23 November.
        #expect(StatsGrouping.week.bucket(of: today) == today - 6)
        #expect(StatsGrouping.month.bucket(of: today) == LocalTime.dayNumber(year: 2026, month: 11, day: 1))
    }

    @Test func localDaysFollowTheZoneAndItsSummerTime() {
        let rome = LocalTime(identifier: "Europe/Rome")
        // 2026-07-01 22:30 UTC is already 2 July in Rome (UTC+2 in summer); 2026-01-01 23:30 UTC is 2 January (UTC+1).
        let july = LocalTime.dayNumber(year: 2026, month: 7, day: 1) * LocalTime.dayMilliseconds + 81_000_000
        #expect(rome.day(of: july) == LocalTime.dayNumber(year: 2026, month: 7, day: 2))
        #expect(LocalTime.utc.day(of: july) == LocalTime.dayNumber(year: 2026, month: 7, day: 1))
        let newYear = LocalTime.dayNumber(year: 2026, month: 1, day: 1) * LocalTime.dayMilliseconds + 84_600_000
        #expect(rome.day(of: newYear) == LocalTime.dayNumber(year: 2026, month: 1, day: 2))
        // A local day starts at local midnight, in UTC the evening before.
        let second = LocalTime.dayNumber(year: 2026, month: 7, day: 2)
        #expect(rome.start(ofDay: second) == second * LocalTime.dayMilliseconds - 7_200_000)
        #expect(LocalTime(identifier: "Not/AZone").offset(at: july) == 0)
    }

    @Test func dimensionValuesOfAHit() {
        var hit = Hit(datapointID: 1, time: 0, kind: .click, ip: "")
        hit.browser = "Chrome"
        hit.browserVersion = "120.0.6099"
        hit.os = "Mac OS X"
        hit.country = "IT"
        hit.city = "Rome"
        #expect(StatsDimension.browser.value(of: hit) == "Chrome 120")
        #expect(StatsDimension.browserFamily.value(of: hit) == "Chrome")
        #expect(StatsDimension.os.value(of: hit) == "Mac OS X")
        #expect(StatsDimension.city.value(of: hit) == "IT/Rome")
        #expect(StatsDimension.referrer.value(of: hit) == "")
    }
}
