import SQLKit
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyStorage

/// The unique-click rule as a property: for random hit sequences (several datapoints and addresses, gaps around the
/// 30-minute window, some bots) cut into random batches, what the writer stores equals a one-line reference model
/// run over the whole sequence — the window carries across batches through the database.
@Suite struct UniqueRulePropertyTests {
    /// SplitMix64: small, seeded, the same on every machine, so a failing case is reproduced by its seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Unique when not a bot and the same address has not hit the same datapoint in the previous 30 minutes (bots count as seen).
    static func reference(_ hits: [Hit]) -> [Bool] {
        var lastSeen: [String: Int64] = [:]
        return hits.map { hit in
            let key = "\(hit.datapointID) \(hit.ip)"
            defer { lastSeen[key] = hit.time }
            return !hit.spider.isSpider && lastSeen[key].map { hit.time - $0 >= UniqueVisitorWindow.windowMilliseconds } ?? true
        }
    }

    @Test(arguments: TestEngine.available)
    func storedUniquenessEqualsTheReferenceModelWhateverTheBatches(_ engine: TestEngine) async throws {
        for seed in UInt64(1)...12 {
            try await withMigratedTestDatabase(engine) { database, _ in
                var random = SeededGenerator(state: seed)
                var links: [Datapoint] = []
                for index in 0..<3 { links.append(try await HitRecordingTests.makeLink(database, name: "p\(index)")) }
                let addresses = ["10.0.0.1", "10.0.0.2", "2001:db8::1", "192.0.2.7"]
                // Gaps cluster around the window's edge: 0–40 minutes, with exact 30-minute steps now and then.
                var time: Int64 = 1_700_000_000_000
                var hits: [Hit] = []
                for _ in 0..<150 {
                    let gap: Int64 =
                        Bool.random(using: &random)
                        ? Int64.random(in: 0...120_000, using: &random) : [29, 30, 31][Int.random(in: 0...2, using: &random)] * 60_000
                    time += gap / 4
                    let bot = Int.random(in: 0..<10, using: &random) == 0
                    hits.append(
                        Hit(
                            datapointID: links[Int.random(in: 0..<3, using: &random)].id, time: time, kind: .click,
                            ip: addresses[Int.random(in: 0..<4, using: &random)], userAgent: bot ? "Googlebot" : "Mozilla", query: "\(hits.count)",
                            spider: bot ? .spider(reason: "ua:bot") : .human))
                }
                let repository = SQLHitRepository(database: database)
                var start = 0
                while start < hits.count {
                    let size = Int.random(in: 1...40, using: &random)
                    _ = try await repository.record(Array(hits[start..<min(start + size, hits.count)]))
                    start += size
                }
                let stored = try await database.read { db in
                    // Hits are written grouped by datapoint (index order), not in arrival order: the query holds each one's place.
                    try await db.raw("SELECT is_unique, query FROM hits").all()
                        .map {
                            (
                                place: Int(try $0.decode(column: "query", as: String.self)) ?? -1,
                                unique: try $0.decode(column: "is_unique", as: Bool.self)
                            )
                        }
                        .sorted { $0.place < $1.place }.map(\.unique)
                }
                let expected = Self.reference(hits)
                if let index = zip(stored, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                    let hit = hits[index]
                    let earlier = hits[..<index].last { $0.datapointID == hit.datapointID && $0.ip == hit.ip }
                    Issue.record(
                        "seed \(seed), hit \(index) of \(hits.count): stored \(stored[index]), expected \(expected[index]); \(hit.ip) on \(hit.datapointID) at \(hit.time), bot \(hit.spider.isSpider); previous same key at \(earlier.map { "\($0.time) (gap \(hit.time - $0.time) ms)" } ?? "none")"
                    )
                }
                #expect(stored.count == expected.count)
                let uniques = expected.filter { $0 }.count
                let rolledUp = try await database.read { db in
                    try await db.raw("SELECT CAST(SUM(unique_clicks) AS BIGINT) AS n FROM stats_hourly WHERE entity_kind = 1").first(
                        decodingColumn: "n", as: Int64.self)
                }
                #expect(rolledUp == Int64(uniques), "seed \(seed): roll-ups disagree with the hits")
            }
        }
    }
}
