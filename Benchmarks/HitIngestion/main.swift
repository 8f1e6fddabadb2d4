import Foundation
import Logging
import SQLKit
import TallyCore
import TallyStorage

// Bulk ingestion without HTTP: the hit writer fed directly, as the redirect path feeds it, at the server's defaults
// (a 60,000-hit buffer, batches of up to 20,000 filled for up to 500 ms). Every hit is enriched (uap-core when its rules are installed), judged
// unique or not, inserted, and rolled up (hourly per link, per account and per type; daily per dimension). Hits are
// generated in memory before the clock starts: 10,000 links with a skewed share of traffic, 100,000 addresses,
// real browsers and a few bots, in time order over the last 24 hours.
// Baseline in the same run: the engine copying the same rows into a table with the same indexes (`INSERT … SELECT`),
// no Swift at all, the floor of any writer.
//   swift run -c release bench-ingest [hits]      (SQLite in a temporary folder)
//   BENCH_POSTGRES_URL=postgres://… swift run -c release bench-ingest [hits]
// scripts/bench-ingest builds it, starts a throw-away PostgreSQL and runs both engines. BENCH_LINGER_MS sets the writer's
// linger (default 500, the server's); BENCH_UAP_CORE the uap-core rules file; BENCH_CRAWLERS and BENCH_BOT_RULES
// crawler-user-agents.json and device-detector's bots.yml (the script passes the test corpora's when installed).

let hitCount = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 1_000_000
let linkCount = 10_000
let postgresURL = ProcessInfo.processInfo.environment["BENCH_POSTGRES_URL"]
let lingerMilliseconds = ProcessInfo.processInfo.environment["BENCH_LINGER_MS"].flatMap { Int64($0) } ?? 500
let uapPath = ProcessInfo.processInfo.environment["BENCH_UAP_CORE"] ?? "/usr/share/uap-core/regexes.yaml"
let logger = {
    var logger = Logger(label: "bench-ingest")
    logger.logLevel = .error
    return logger
}()

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-bench-ingest-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let location = try DatabaseLocation.parse(
    url: postgresURL ?? "sqlite:" + directory.appendingPathComponent("bench.sqlite").path, dataDirectory: directory.path)

let loadStart = ContinuousClock.now
let enricher: HitEnricher = {
    guard let rules = try? UserAgentRules(path: uapPath) else {
        print("uap-core rules not found at \(uapPath): hits enriched by the built-in rules only")
        return HitEnricher(parser: nil, bots: nil)
    }
    let environment = ProcessInfo.processInfo.environment
    let crawlers = environment["BENCH_CRAWLERS"].flatMap { FileManager.default.contents(atPath: $0) }
    let bots = environment["BENCH_BOT_RULES"].flatMap { try? DeviceDetectorBots(path: $0) }
    print("bot lists: uap-core, crawler-user-agents \(crawlers == nil ? "no" : "yes"), device-detector \(bots == nil ? "no" : "yes")")
    return HitEnricher(
        parser: UserAgentParser(rules: rules), bots: BotDetector(crawlerPatterns: crawlers, uapRules: rules, deviceDetector: bots))
}()
print("rules loaded and compiled in \(ContinuousClock.now - loadStart)")
NewAgents.report(enricher)

try await DatabaseOpener.withDatabase(location, logger: logger) { database in
    _ = try await MigrationRunner(database: database).migrate(now: 0)
    let now = Int64(Date().timeIntervalSince1970 * 1000)
    let defaults = try await Bootstrap(database: database).ensureDefaults(systemDomainName: "127.0.0.1:8080", now: now)
    let links = SQLDatapointRepository(database: database)
    var ids: [Int64] = []
    for start in stride(from: 0, to: linkCount, by: 1000) {
        let news = (start..<min(start + 1000, linkCount)).map { index in
            NewDatapoint(
                accountID: defaults.accountID, domainID: defaults.systemDomain.id, type: index % 10 == 0 ? .trackingPixel : .trackingLink,
                name: "i\(index)", destinationURL: index % 10 == 0 ? nil : "https://shop.example.com/p/\(index)")
        }
        for result in try await links.createMany(news, now: now) { ids.append(try result.get().id) }
    }
    let hits = IngestionHits.make(count: hitCount, datapoints: ids, end: now)
    let engine = postgresURL == nil ? "SQLite" : "PostgreSQL"
    print("bulk ingestion through the hit writer: \(hitCount) hits on \(linkCount) links, \(engine), roll-ups included")

    let buffer = HitBuffer(capacity: 60_000)
    let writer = HitWriter(
        buffer: buffer, repository: SQLHitRepository(database: database), batchLimit: 20_000,
        linger: .milliseconds(lingerMilliseconds), enricher: enricher,
        logger: logger)
    let serverCPU = ServerCPU(postgres: postgresURL != nil)
    let (cpuBefore, serverBefore, start) = (ProcessCPU.microseconds(), serverCPU.microseconds(), ContinuousClock.now)
    let draining = Task { await withTaskExecutorPreference(WriterThread.shared) { await writer.drain() } }
    for hit in hits { try await buffer.append(hit) }
    buffer.close()
    await draining.value
    let elapsed = ContinuousClock.now - start
    let (cpu, server) = (ProcessCPU.microseconds() - cpuBefore, serverCPU.microseconds() - serverBefore)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(hitCount) / seconds

    // What was written must be every hit, and every hit counted once in the roll-ups.
    let (stored, rolledUp) = try await database.read { db in
        let stored = try await db.raw("SELECT COUNT(*) AS n FROM hits").first(decodingColumn: "n", as: Int.self) ?? -1
        let rolledUp =
            try await db.raw("SELECT CAST(SUM(clicks + views) AS BIGINT) AS n FROM stats_hourly WHERE entity_kind = 1")
            .first(decodingColumn: "n", as: Int.self) ?? -1
        return (stored, rolledUp)
    }
    guard stored == hitCount, rolledUp == hitCount else { fatalError("stored \(stored) hits, rolled up \(rolledUp); expected \(hitCount)") }

    let baseline = try await IngestionBaseline.copyHits(in: database)
    let goal = postgresURL == nil ? 200_000.0 : 100_000.0
    func line(_ name: String, _ value: String) { print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + value) }
    line("writer: hits/s (wall clock)", String(format: "%10.0f   (goal %.0f)", rate, goal))
    line("writer: this process's CPU per hit", String(format: "%10.2f µs", cpu / Double(hitCount)))
    if postgresURL != nil { line("writer: PostgreSQL's CPU per hit", String(format: "%10.2f µs", server / Double(hitCount))) }
    line("baseline: engine copies the rows, hits/s", String(format: "%10.0f", Double(hitCount) / baseline))
    print(rate >= goal ? "ok: \(Int(rate)) hits/s" : "BELOW GOAL: \(Int(rate)) hits/s (goal \(Int(goal)))")
}
