import SQLKit

/// Background jobs that every node runs on its own timer but that one node at a time must do: on PostgreSQL each round
/// first tries the job's advisory lock in its transaction and, when another node holds it, leaves the round to that
/// node. Nothing is elected or leased: a node that dies mid-round releases the lock with its connection, and the
/// next round of any node (the job's interval) does the work. SQLite is one node.
///
/// PostgreSQL's advisory locks belong to the database; the key is the pair (the schema's hash, the job), so
/// installations in two schemas of one database (and the test suite's parallel schemas) never hold each other's jobs.
enum ClusterJobLock: Int32 {
    case keyExpiry = 1
    case requestLogPruning = 2
    case keyPolicy = 3

    /// Whether this transaction now holds the job (always on SQLite); the lock ends with the transaction.
    func take(in db: any SQLDatabase) async throws -> Bool {
        guard db.dialect.name == "postgresql" else { return true }
        return try await db.raw(
            "SELECT pg_try_advisory_xact_lock(hashtext(current_schema()), \(unsafeRaw: String(rawValue))) AS taken"
        ).first(decodingColumn: "taken", as: Bool.self) ?? false
    }
}
