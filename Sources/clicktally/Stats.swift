import ArgumentParser
import TallyCore
import TallyStorage

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Statistics maintenance.", subcommands: [Rebuild.self])

    struct Rebuild: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every roll-up from the raw hits and conversion events (after loading hits directly into the database).")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let configuration = try await options.appConfiguration()
            let accounts = try await Runner.withDatabase(configuration, logger: makeLogger(configuration)) { database in
                try await StatsRebuilder(database: database).rebuildAll(now: WallClock.system.now())
            }
            print("rebuilt the statistics of \(accounts) account(s)")
        }
    }
}
