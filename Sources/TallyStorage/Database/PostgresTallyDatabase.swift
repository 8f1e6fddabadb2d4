import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// PostgreSQL behind the seam: a `PostgresClient` pool, which `run()` must keep running.
public final class PostgresTallyDatabase: TallyDatabase {
    public let kind = DatabaseKind.postgres
    public let client: PostgresClient
    private let logger: Logger

    public init(location: PostgresLocation, logger: Logger) {
        let tls: PostgresClient.Configuration.TLS =
            switch location.tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: tls)
        if let searchPath = location.searchPath {
            configuration.options.additionalStartupParameters = [("search_path", searchPath)]
        }
        configuration.options.maximumConnections = 16
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(connection.sql())
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresSession(connection))
            }
        } catch let error as PostgresTransactionError {
            // Callers match on their own errors (a taken name, a rule); the wrapper only says where it happened.
            if let closureError = error.closureError { throw closureError }
            if let commitError = error.commitError { throw commitError }
            throw error
        }
    }

    public func run() async {
        await client.run()
    }

    /// Runs `consume` with the payloads of `NOTIFY`s on `channel` (and the listening backend's process id), on a
    /// connection of the pool held for it, until the connection fails (thrown) or `consume` returns.
    public func listen(
        _ channel: String, _ consume: @Sendable (_ backend: Int32, _ notifications: any AsyncSequence<String, any Error>) async throws -> Void
    ) async throws {
        try await client.withConnection { connection in
            let backend = try await connection.sql().raw("SELECT pg_backend_pid() AS pid").first(decodingColumn: "pid", as: Int32.self) ?? 0
            try await connection.listen(on: channel) { notifications in
                try await consume(backend, notifications.map(\.payload))
            }
        }
    }

    public func close() async {}
}
