import Foundation
import SQLKit
import TallyCore
import TallyStorage

/// The hits the benchmark feeds, made before the clock starts. Deterministic (a linear congruential generator), so
/// two runs write the same rows.
enum IngestionHits {
    static let agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
    ]
    static let referrers = ["", "", "https://www.google.com/", "https://t.co/abc", "https://news.example.org/story/1", "https://www.facebook.com/"]
    static let languages = ["en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9", "es-ES,es;q=0.9", ""]

    static func make(count: Int, datapoints: [Int64], end: Int64) -> [Hit] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let day: Int64 = 86_400_000
        var hits: [Hit] = []
        hits.reserveCapacity(count)
        for index in 0..<count {
            // A few links take most of the traffic: the cube of a uniform number favours small indexes.
            let uniform = Double(next() % 1_000_000) / 1_000_000
            let id = datapoints[min(datapoints.count - 1, Int(Double(datapoints.count) * uniform * uniform * uniform))]
            let address = next() % 100_000
            var hit = Hit(
                datapointID: id, time: end - day + Int64(index) * day / Int64(max(count, 1)), kind: id % 10 == 1 ? .view : .click,
                ip: "10.\(address / 65_536).\(address / 256 % 256).\(address % 256)", userAgent: agents[Int(next() % UInt64(agents.count))],
                referrer: referrers[Int(next() % UInt64(referrers.count))], acceptLanguage: languages[Int(next() % UInt64(languages.count))])
            hit.country = ["US", "DE", "FR", "GB", "IT", "ES", "BR", "IN"][Int(next() % 8)]
            hits.append(hit)
        }
        return hits
    }
}

/// What an agent the enricher has not seen costs (its memo misses: uap-core's three lists and the bot lists run):
/// the cost a flood of made-up agents puts on the writer. Agents are the benchmark's with build numbers no one sent.
enum NewAgents {
    static func report(_ enricher: HitEnricher, count: Int = 3_000) {
        let agents = (0..<count).map { index in
            IngestionHits.agents[index % IngestionHits.agents.count]
                .replacingOccurrences(of: "131.0.0.0", with: "131.0.\(index).\(index % 97)")
                .replacingOccurrences(of: "Version/18.1", with: "Version/18.\(index)")
                .replacingOccurrences(of: "rv:133.0", with: "rv:133.\(index)")
                .replacingOccurrences(of: "8.5.0", with: "8.5.\(index)") + (index % 3 == 0 ? " Build/\(index)" : "")
        }
        let start = ProcessCPU.microseconds()
        var spiders = 0
        for agent in agents where enricher.details(userAgent: agent).spider.isSpider { spiders += 1 }
        let perAgent = (ProcessCPU.microseconds() - start) / Double(count)
        print(String(format: "enrichment of an agent not seen before: %.1f µs CPU (%d agents, %d bots)", perAgent, count, spiders))
    }
}

/// CPU time this process has used, all threads (the writer's, SQLite's, the event loops').
enum ProcessCPU {
    static func microseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
    }
}

/// CPU time of every `postgres` process on the machine (the benchmark's PostgreSQL is the only one when the script
/// runs it), from /proc: PostgreSQL's share of a hit lives in other processes.
struct ServerCPU {
    let postgres: Bool

    func microseconds() -> Double {
        guard postgres, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for entry in entries where entry.allSatisfy(\.isNumber) {
            guard let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8), stat.contains("(postgres)"),
                let close = stat.lastIndex(of: ")")
            else { continue }
            // Fields after the name: state is the 3rd field, utime and stime the 14th and 15th.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticks * 1e6
        }
        return total
    }
}

/// The floor: the engine itself copying the stored hits into a table with the same two indexes. Returns seconds.
enum IngestionBaseline {
    static func copyHits(in database: any TallyDatabase) async throws -> Double {
        try await database.transaction { db in
            try await db.raw("CREATE TABLE hits_baseline AS SELECT * FROM hits WHERE 1 = 0").run()
            try await db.raw("CREATE INDEX hits_baseline_datapoint_time ON hits_baseline (datapoint_id, time_ms)").run()
            try await db.raw("CREATE INDEX hits_baseline_account_time ON hits_baseline (account_id, time_ms)").run()
        }
        let start = ContinuousClock.now
        try await database.transaction { db in
            try await db.raw("INSERT INTO hits_baseline SELECT * FROM hits ORDER BY id").run()
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
