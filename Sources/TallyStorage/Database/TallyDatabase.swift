import SQLKit

public enum DatabaseKind: String, Sendable {
    case sqlite
    case postgres
}

/// The one seam between the repositories and an engine: everything above it is plain SQLKit,
/// so one implementation serves SQLite and PostgreSQL.
public protocol TallyDatabase: Sendable {
    var kind: DatabaseKind { get }
    /// Runs statements that need no transaction (single reads).
    func read<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    /// Keeps the engine's connections alive until the task is cancelled (PostgreSQL's pool needs a runner).
    func run() async
    func close() async
}

extension TallyDatabase {
    /// `true` when the engine answers a trivial query.
    public func ping() async -> Bool {
        do {
            return try await read { db in
                try await db.raw("SELECT 1 AS one").first(decodingColumn: "one", as: Int.self) == 1
            }
        } catch {
            return false
        }
    }
}
