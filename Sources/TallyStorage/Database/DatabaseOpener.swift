import Logging

public enum DatabaseOpener {
    public static func open(_ location: DatabaseLocation, durable: Bool = false, logger: Logger) async throws -> any TallyDatabase {
        switch location {
        case .sqlite(let path):
            try await SQLiteTallyDatabase.open(path: path, durable: durable, logger: logger)
        case .postgres(let postgres):
            PostgresTallyDatabase(location: postgres, logger: logger)
        }
    }

    /// Opens the database, keeps it running for `body`, then closes it: for the CLI and tests,
    /// where no service group owns the connection.
    public static func withDatabase<T: Sendable>(
        _ location: DatabaseLocation, durable: Bool = false, logger: Logger,
        _ body: @Sendable (any TallyDatabase) async throws -> T
    ) async throws -> T {
        let database = try await open(location, durable: durable, logger: logger)
        return try await withRunning(database, body)
    }

    public static func withRunning<T: Sendable>(
        _ database: any TallyDatabase, _ body: @Sendable (any TallyDatabase) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            do {
                let result = try await body(database)
                group.cancelAll()
                await database.close()
                return result
            } catch {
                group.cancelAll()
                await database.close()
                throw error
            }
        }
    }
}
