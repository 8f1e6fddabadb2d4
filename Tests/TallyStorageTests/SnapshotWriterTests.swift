import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// `SnapshotWriter` on a real database: a name taken by another link is reported and left alone unless told to take
/// it over; a run cut short resumes without duplicates; imported history reads back the same and survives a rebuild
/// of the roll-ups from the raw hits.
@Suite struct SnapshotWriterTests {
    static let now = LocalTime.dayNumber(year: 2026, month: 12, day: 1) * LocalTime.dayMilliseconds

    struct World {
        let database: any TallyDatabase
        let defaults: Bootstrap.Defaults
        let service: DatapointService

        func writer(overwrite: Bool = false, dryRun: Bool = false) -> SnapshotWriter {
            SnapshotWriter(
                database: database, accountID: defaults.accountID, systemDomain: defaults.systemDomain, service: service,
                options: .init(source: "test", dryRun: dryRun, overwrite: overwrite), clock: .fixed(SnapshotWriterTests.now))
        }

        func find(_ name: String) async throws -> Datapoint? {
            try await SQLDatapointRepository(database: database).find(domainID: defaults.systemDomain.id, name: name)
        }
    }

    static func withWorld(_ engine: TestEngine, _ body: @Sendable (World) async throws -> Void) async throws {
        try await withMigratedTestDatabase(engine) { database, _ in
            let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: Self.now)
            let service = DatapointService(
                repository: SQLDatapointRepository(database: database), trackingHosts: { ["127.0.0.1:8080"] }, clock: .fixed(Self.now))
            try await body(World(database: database, defaults: defaults, service: service))
        }
    }

    static func link(_ name: String, _ destination: String) -> AccountSnapshot.DatapointRecord {
        var record = AccountSnapshot.DatapointRecord(sourceID: "src-\(name)", name: name)
        record.destinationURL = destination
        return record
    }

    @Test(arguments: TestEngine.available)
    func aTakenNameIsReportedAndKeptUnlessTakenOver(_ engine: TestEngine) async throws {
        try await Self.withWorld(engine) { world in
            _ = try await world.service.create(
                accountID: world.defaults.accountID, domain: world.defaults.systemDomain, .init(destination: "https://mine.example/", name: "taken"))
            var snapshot = AccountSnapshot()
            snapshot.datapoints = [Self.link("taken", "https://theirs.example/"), Self.link("free", "https://theirs.example/free")]
            let summary = try await world.writer().write(snapshot)
            #expect(summary.counts("datapoint").created == 1 && summary.counts("datapoint").failed == 1)
            #expect(summary.failures.first?.code == "name_taken" && summary.failures.first?.object == "src-taken taken")
            #expect(summary.report.contains("failed: datapoint src-taken taken:"))
            #expect(try await world.find("taken")?.destinationURL == "https://mine.example/", "left alone")

            let dry = try await world.writer(overwrite: true, dryRun: true).write(snapshot)
            #expect(dry.counts("datapoint").updated == 1 && dry.failures.isEmpty)
            #expect(try await world.find("taken")?.destinationURL == "https://mine.example/", "a dry run writes nothing")

            let taken = try await world.writer(overwrite: true).write(snapshot)
            #expect(taken.counts("datapoint").updated == 1 && taken.counts("datapoint").skipped == 1 && taken.failures.isEmpty)
            #expect(try await world.find("taken")?.destinationURL == "https://theirs.example/")
        }
    }

    @Test(arguments: TestEngine.available)
    func aRunCutShortResumesWithoutDuplicates(_ engine: TestEngine) async throws {
        try await Self.withWorld(engine) { world in
            var snapshot = AccountSnapshot()
            snapshot.groups = [.init(sourceID: "g1", name: "Launch")]
            snapshot.datapoints = (1...3).map { Self.link("part\($0)", "https://example.com/\($0)") }
            snapshot.datapoints[0].group = "g1"
            snapshot.datapoints[0].tags = ["a", "b"]
            // What a run that stopped after writing the first link, before its ledger row, left behind.
            _ = try await world.service.create(
                accountID: world.defaults.accountID, domain: world.defaults.systemDomain, .init(destination: "https://example.com/1", name: "part1"))
            let resumed = try await world.writer().write(snapshot)
            #expect(resumed.failures.isEmpty, "\(resumed.report)")
            #expect(resumed.counts("datapoint").updated == 1 && resumed.counts("datapoint").created == 2)
            #expect(try await world.database.count("datapoints") == 3)
            #expect(try await world.database.count("import_ledger", where: "kind = 'datapoint'") == 3)
            let first = try #require(try await world.find("part1"))
            #expect(first.groupID != nil, "the resumed link is completed: its group")
            #expect(try await world.database.count("datapoint_tags", where: "datapoint_id = \(first.id)") == 2, "and its tags")
            let again = try await world.writer().write(snapshot)
            #expect(again.counts("datapoint").skipped == 3 && again.counts("group").skipped == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func importedHistoryReadsBackAndSurvivesARebuild(_ engine: TestEngine) async throws {
        try await Self.withWorld(engine) { world in
            var snapshot = AccountSnapshot()
            snapshot.datapoints = [Self.link("old", "https://example.com/old")]
            var goal = AccountSnapshot.ConversionRecord(sourceID: "c1", name: "sale")
            goal.datapoints = ["src-old"]
            snapshot.conversions = [goal]
            var clicks = StatsCounts()
            clicks.clicks = 40
            clicks.uniqueClicks = 31
            clicks.spiderClicks = 2
            var sales = StatsCounts()
            sales.conversions = 3
            sales.conversionValue = 29.5
            snapshot.history = [
                .init(entity: .datapoint, sourceID: "src-old", day: "20250314", counts: clicks),
                .init(entity: .datapoint, sourceID: "src-old", day: "20250315", counts: clicks),
                .init(entity: .conversion, sourceID: "c1", day: "20250315", counts: sales),
                .init(entity: .datapoint, sourceID: "nobody", day: "20250315", counts: clicks),
                .init(entity: .datapoint, sourceID: "src-old", day: "2025-03-16", counts: clicks),
            ]
            let summary = try await world.writer().write(snapshot)
            #expect(summary.counts("history").created == 3)
            #expect(summary.failures.map(\.code).sorted() == ["day_invalid", "entity_unknown"])
            let reader = SnapshotReader(database: world.database, accountID: world.defaults.accountID, clock: .fixed(Self.now))
            func history() async throws -> [String] {
                try await reader.read(history: true).history.map { "\($0.entity.rawValue) \($0.day) \($0.counts.clicks) \($0.counts.conversions)" }
            }
            let expected = ["datapoint 20250314 40 0", "datapoint 20250315 40 0", "conversion 20250315 0 3"]
            // The statistics now begin with the imported history (the `beginning` frame, `timeframeMinDate`).
            let begin = try await SQLStatsRepository(database: world.database).accountClock(world.defaults.accountID).createdAt
            #expect(begin == LocalTime.dayNumber(year: 2025, month: 3, day: 14) * LocalTime.dayMilliseconds + 12 * 3_600_000)
            #expect(try await history() == expected)
            let account = try await SQLStatsRepository(database: world.database).perEntity(
                .init(.account, [world.defaults.accountID]), from: 0, to: Self.now)
            #expect(account[world.defaults.accountID]?.clicks == 80 && account[world.defaults.accountID]?.conversions == 3)

            _ = try await StatsRebuilder(database: world.database).rebuildAll(now: Self.now)
            #expect(try await history() == expected, "a rebuild from the raw hits keeps the imported history")
            let rebuilt = try await SQLStatsRepository(database: world.database).perEntity(
                .init(.account, [world.defaults.accountID]), from: 0, to: Self.now)
            #expect(rebuilt[world.defaults.accountID]?.clicks == 80)

            // The same days imported again with other figures: replaced, not added.
            clicks.clicks = 50
            snapshot.history = [.init(entity: .datapoint, sourceID: "src-old", day: "20250314", counts: clicks)]
            let again = try await world.writer().write(snapshot)
            #expect(again.counts("history").created == 1)
            #expect(try await history().first == "datapoint 20250314 50 0")
            let corrected = try await SQLStatsRepository(database: world.database).perEntity(
                .init(.account, [world.defaults.accountID]), from: 0, to: Self.now)
            #expect(corrected[world.defaults.accountID]?.clicks == 90)
        }
    }
}
