import SQLKit

/// Background jobs that every node runs on its own timer but that one node at a time must do: on PostgreSQL each round
/// first tries the job's advisory lock in its transaction and, when another node holds it, leaves the round to that
/// node. Nothing is elected or leased: a node that dies mid-round releases the lock with its connection, and the
/// next round of any node (the job's interval) does the work. SQLite is one node.
enum ClusterJobLock: Int64 {
    case keyExpiry = 7_243_010_010
    case requestLogPruning = 7_243_010_011

    /// Whether this transaction now holds the job (always on SQLite); the lock ends with the transaction.
    func take(in db: any SQLDatabase) async throws -> Bool {
        guard db.dialect.name == "postgresql" else { return true }
        return try await db.raw("SELECT pg_try_advisory_xact_lock(\(unsafeRaw: String(rawValue))) AS taken").first(
            decodingColumn: "taken", as: Bool.self)
            ?? false
    }
}
