import Foundation
import Testing

@testable import TallyCore

@Suite struct ClickMeterDateTests {
    /// The integer formatting against Foundation's calendar, from 1593 to 2445 (Foundation's calendar is Julian before
    /// October 1582; the integer one is proleptic Gregorian, as ISO 8601 is), at odd
    /// milliseconds (so every second, minute, hour and month boundary is crossed somewhere) and at the edges.
    @Test func formatMatchesTheGregorianCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        func expected(_ milliseconds: Int64) -> String {
            let seconds = (Double(milliseconds) / 1000).rounded(.down)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
            return String(format: "%04d%02d%02d%02d%02d%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
        }
        let edges: [Int64] = [0, 999, 1000, -1, -999, -1000, -1001, 86_399_999, 86_400_000, 951_782_400_000, 1_798_761_599_999]
        for milliseconds in edges + Array(stride(from: Int64(-11_900_000_000_000), through: 15_000_000_000_000, by: 7_777_777_777)) {
            #expect(ClickMeterDate.format(milliseconds) == expected(milliseconds), "at \(milliseconds)")
        }
        #expect(ClickMeterDate.format(1_796_860_800_123) == "20261210000000")
        #expect(ClickMeterDate.parse(ClickMeterDate.format(1_796_900_461_000)) == 1_796_900_461_000)
    }
}
