import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOPosix
import TallyCore
import TallyHTTP
import TallyStorage

/// Opens what a command needs, runs it, and turns rule violations into a plain message and exit code 1.
enum Runner {
    static func serve(configuration: AppConfiguration, logger: Logger) async throws {
        try await withDatabase(configuration, logger: logger) { database in
            let server = try await buildApplication(configuration: configuration, database: database, logger: logger) { port in
                let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
                let line =
                    "ClickTally is running at \(configuration.tlsEnabled ? "https" : "http")://\(host):\(port) (tracking codes: \(configuration.publicURL)/NAME; "
                    + "\(configuration.database.redactedDescription))\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            if let token = server.setupToken {
                // Printed, never logged: the token is a one-time secret for whoever started the server.
                let base = configuration.publicURL.hasSuffix("/") ? String(configuration.publicURL.dropLast()) : configuration.publicURL
                let line = "No user yet: create the owner account at \(base)/dashboard/setup?token=\(token) (works once)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            // The hit writer's thread was started when the server was composed (`HitWriter` takes it), so it keeps nice 0.
            if configuration.eventLoopNice > 0 {
                try await EventLoopNiceness.apply(configuration.eventLoopNice, to: MultiThreadedEventLoopGroup.singleton)
            }
            try await server.application.runService()
        }
    }

    static func withDatabase<T: Sendable>(
        _ configuration: AppConfiguration, logger: Logger, _ body: @Sendable (any TallyDatabase) async throws -> T
    ) async throws -> T {
        do {
            return try await DatabaseOpener.withDatabase(configuration.database, durable: configuration.durable, logger: logger, body)
        } catch let error as TallyCore.ValidationError {
            throw CommandFailure(description: error.message)
        } catch let error as MigrationError {
            throw CommandFailure(description: error.description)
        }
    }

    /// Runs `body`, turning a rule it states (`ValidationError`) into the command's plain failure.
    static func plainly<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as TallyCore.ValidationError { throw CommandFailure(description: error.message) }
    }

    static func admin<T: Sendable>(
        _ options: ConfigOptions, owner: OwnerOptions? = nil, _ body: @Sendable (Admin, any TallyDatabase) async throws -> T
    ) async throws -> T {
        let configuration = try await options.appConfiguration()
        let logger = makeLogger(configuration)
        let admin = Admin(configuration: configuration, logger: logger, account: try owner?.choice ?? .defaultAccount)
        return try await withDatabase(configuration, logger: logger) { database in try await body(admin, database) }
    }

    static func setStatus(_ name: String, _ status: DatapointStatus, _ options: ConfigOptions, owner: OwnerOptions) async throws {
        let updated = try await admin(options, owner: owner) { admin, database in
            try await admin.setStatus(name: name, to: status, database: database)
        }
        print("\(updated.trackingCode) is now \(updated.datapoint.status.name)")
    }
}

/// A command that could not do what it was asked; ArgumentParser prints "Error: <description>" and exits 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
