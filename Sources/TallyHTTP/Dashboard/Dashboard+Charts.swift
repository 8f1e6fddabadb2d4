import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStorage

extension DashboardController {
    /// Total, unique and bot series for a scope: by local day over `days`, or by hour over the last 48 hours.
    /// `buckets`: the counts of each hour or day, oldest first (the overview sums its last 1, 7 and 30 days from them).
    func trafficChart(_ scope: SQLStatsRepository.Scope, time: LocalTime, days: Int64, byHour: Bool) async throws
        -> (svg: String, total: StatsCounts, buckets: [StatsCounts])
    {
        let now = services.clock.now()
        var labels: [String] = []
        var totals: [StatsCounts] = []
        if byHour {
            let first = now - now % 3_600_000 - 47 * 3_600_000
            let rows = Dictionary(try await services.stats.hourly(scope, from: first, to: now + 1).map { ($0.hour, $0.counts) }) { $1 }
            for index in 0..<48 {
                let hour = first + Int64(index) * 3_600_000
                labels.append(DashboardFormat.hour(hour + time.offset(at: hour)))
                totals.append(rows[hour] ?? StatsCounts())
            }
        } else {
            let today = time.day(of: now)
            let firstDay = today - days + 1
            var sums: [Int64: StatsCounts] = [:]
            for (hour, counts) in try await services.stats.daily(
                scope, from: time.start(ofDay: firstDay), to: time.start(ofDay: today + 1), time: time)
            {
                sums[time.day(of: hour), default: StatsCounts()].add(counts)
            }
            for day in firstDay...today {
                labels.append(DashboardFormat.shortDay(day))
                totals.append(sums[day] ?? StatsCounts())
            }
        }
        var total = StatsCounts()
        for counts in totals { total.add(counts) }
        let chart = SVGChart(
            title: byHour ? "Hits per hour, last 48 hours" : "Hits per day, last \(days) days", labels: labels,
            series: [
                .init(name: "Total", values: totals.map { Double($0.hits) }, colour: .primary),
                .init(name: "Unique", values: totals.map { Double($0.uniqueHits) }, colour: .secondary),
                .init(name: "Bots", values: totals.map { Double($0.spiders) }, colour: .warning),
            ])
        return (chart.svg(), total, totals)
    }

    /// A horizontal bar list: the top values of one dimension with their share (plain HTML meters, no script).
    func breakdown(_ scope: SQLStatsRepository.Scope, _ dimension: StatsDimension, title: String, time: LocalTime, days: Int64) async throws
        -> BreakdownView
    {
        let today = time.day(of: services.clock.now())
        let rows = try await services.stats.top(scope, dimension: dimension, days: (today - days + 1)...today, limit: 8)
        let largest = max(rows.map(\.counts.hits).max() ?? 1, 1)
        return BreakdownView(
            title: title,
            rows: rows.map { value, counts in .init(value: value.isEmpty ? "(unknown)" : value, count: counts.hits, largest: largest) })
    }
}
