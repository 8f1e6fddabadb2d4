import SQLKit
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyStorage

/// The day-grouped read (what series and totals use) must put every hour in the same local day as the Swift
/// bucketing of hourly rows does, summer-time changes included.
@Suite struct StatsDailyReadTests {
    @Test(arguments: TestEngine.available)
    func dailySumsEqualHourlyRowsBucketedByLocalDay(_ engine: TestEngine) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            // 23–27 October 2026 in Rome: summer time ends on the 25th at 01:00 UTC (a 25-hour local day).
            let first = LocalTime.dayNumber(year: 2026, month: 10, day: 23) * LocalTime.dayMilliseconds
            let hours = (0..<(5 * 24)).map { first + Int64($0) * 3_600_000 }
            try await database.transaction { db in
                for (index, hour) in hours.enumerated() {
                    try await db.raw(
                        """
                        INSERT INTO stats_hourly (entity_kind, entity_id, hour_ms, clicks, unique_clicks, conversion_value, last_hit_ms) \
                        VALUES (0, 7, \(bind: hour), \(bind: index + 1), 1, 0.5, \(bind: hour + 1))
                        """
                    ).run()
                }
            }
            let stats = SQLStatsRepository(database: database)
            let scope = SQLStatsRepository.Scope(.account, [7])
            for zone in ["UTC", "Europe/Rome", "Asia/Kolkata", "America/New_York"] {
                let time = LocalTime(identifier: zone)
                let (from, to) = (first + 3 * 3_600_000, hours.last! - 5 * 3_600_000)
                var expected: [Int64: StatsCounts] = [:]
                for (hour, counts) in try await stats.hourly(scope, from: from, to: to) {
                    expected[time.day(of: hour), default: StatsCounts()].add(counts)
                }
                var got: [Int64: StatsCounts] = [:]
                for (hour, counts) in try await stats.daily(scope, from: from, to: to, time: time) {
                    #expect(got[time.day(of: hour)] == nil, "one row per local day in \(zone)")
                    got[time.day(of: hour), default: StatsCounts()].add(counts)
                }
                #expect(got == expected, "\(zone)")
                let total: Int64 = got.values.reduce(0) { $0 + $1.clicks }
                let inFrame: Int64 = Int64((4...114).reduce(0, +))
                #expect(total == inFrame)
            }
            let rome = LocalTime(identifier: "Europe/Rome")
            let long = try await stats.daily(scope, from: first, to: hours.last! + 3_600_000, time: rome)
            let day25 = LocalTime.dayNumber(year: 2026, month: 10, day: 25)
            #expect(long.first { rome.day(of: $0.hour) == day25 }?.counts.uniqueClicks == 25)
        }
    }
}
