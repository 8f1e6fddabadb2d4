import ArgumentParser
import Foundation
import Logging
import TallyHTTP
import TallyStorage

struct ClickTally: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clicktally",
        abstract: "A self-hosted link-tracking and click-analytics server.",
        subcommands: [
            Serve.self, Migrate.self, Links.self, Users.self, Keys.self, Stats.self, ImportCommand.self, ExportCommand.self, BackupCommand.self,
            RestoreCommand.self, DoctorCommand.self, HealthCommand.self, Webhooks.self, OpenAPI.self,
        ],
        defaultSubcommand: Serve.self)
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (tracking links, pixels, health, metrics).")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try await options.appConfiguration()
        let logger = makeLogger(configuration)
        try await Runner.serve(configuration: configuration, logger: logger)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")

    @Flag(help: "List the pending migrations without applying them.") var dryRun = false
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try await options.appConfiguration()
        let logger = makeLogger(configuration)
        let steps = try await Runner.withDatabase(configuration, logger: logger) { database in
            try await Admin(configuration: configuration, logger: logger).migrate(dryRun: dryRun, database: database)
        }
        if steps.isEmpty {
            print("The database is up to date.")
        }
        for step in steps {
            print("\(dryRun ? "pending" : "applied") \(step.version) \(step.name)")
        }
    }
}

func makeLogger(_ configuration: AppConfiguration) -> Logger {
    LoggingSystem.bootstrap { label in LineLogHandler(label: label, format: configuration.logFormat) }
    var logger = Logger(label: "clicktally")
    logger.logLevel = configuration.logLevel
    return logger
}

extension ClickTally {
    /// What `@main` would do for an `AsyncParsableCommand`; main.swift calls it after setting up the executor.
    static func parseAndRun() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            BufferedStandardError.shared.flush()
        } catch {
            BufferedStandardError.shared.flush()
            exit(withError: error)
        }
    }
}

struct OpenAPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi", abstract: "Print the OpenAPI 3.1 document of the /v2 API (the server serves it at /v2/openapi.json).")

    func run() throws {
        FileHandle.standardOutput.write(OpenAPIDocument.json())
    }
}
