import Foundation
import Hummingbird
import TallyCore
import TallyStorage

/// A request's time frame resolved in the account's time zone: local days and the UTC instants bounding them.
struct StatsFrame {
    let days: ClosedRange<Int64>
    /// [from, to): the start of the first day and of the day after the last.
    let from: Int64
    let to: Int64
    let time: LocalTime

    static func resolve(_ query: WireQuery, accountID: Int64, stats: StatsQueries, now: Int64) async throws -> StatsFrame {
        let frame = try TimeFrame.parse(query.string("timeFrame"))
        let (time, createdAt) = try await stats.accountClock(accountID)
        let today = time.day(of: now)
        let days = try frame.days(today: today, firstDay: time.day(of: createdAt), fromDay: query.string("fromDay"), toDay: query.string("toDay"))
        return StatsFrame(days: days, from: time.start(ofDay: days.lowerBound), to: time.start(ofDay: days.upperBound + 1), time: time)
    }

    /// Sums the hourly rows into buckets (days, weeks, months), every bucket of the frame present, empty ones as zeros.
    func buckets(_ hours: [(hour: Int64, counts: StatsCounts)], grouping: StatsGrouping) -> [(days: ClosedRange<Int64>, counts: StatsCounts)] {
        var sums: [Int64: StatsCounts] = [:]
        for (hour, counts) in hours { sums[grouping.bucket(of: time.day(of: hour)), default: StatsCounts()].add(counts) }
        var result: [(ClosedRange<Int64>, StatsCounts)] = []
        var day = days.lowerBound
        while day <= days.upperBound {
            let start = grouping.bucket(of: day)
            var end = day
            while end + 1 <= days.upperBound, grouping.bucket(of: end + 1) == start { end += 1 }
            result.append((day...end, sums[start] ?? StatsCounts()))
            day = end + 1
        }
        return result
    }

    func total(_ hours: [(hour: Int64, counts: StatsCounts)]) -> StatsCounts {
        var total = StatsCounts()
        for (_, counts) in hours { total.add(counts) }
        return total
    }

    /// `hourly=true`: each local hour with hits, keyed `YYYYMMDDHH0000`; only for frames of a week or less.
    func hourlyBreakDown(_ hours: [(hour: Int64, counts: StatsCounts)], entityID: String) throws(ValidationError) -> [String: AggregatedWire] {
        guard days.count <= 7 else {
            throw ValidationError(field: "hourly", code: "hourly_range_too_long", message: "hourly is for time frames of at most 7 days")
        }
        var result: [String: AggregatedWire] = [:]
        for (hour, counts) in hours {
            let day = time.day(of: hour)
            let hourOfDay = (hour + time.offset(at: hour) - day * LocalTime.dayMilliseconds) / StatsRollup.hourMilliseconds
            let key = String(AggregatedWire.dayText(day).prefix(8)) + String(format: "%02d0000", hourOfDay)
            var wire = AggregatedWire(counts, entityID: entityID, days: day...day)
            wire.activityDay = key
            result[key] = wire
        }
        return result
    }
}
