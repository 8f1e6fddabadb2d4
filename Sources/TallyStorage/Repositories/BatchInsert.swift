import SQLKit

/// Writes a batch of `BatchRows` into a table, the fastest way each engine has:
/// - PostgreSQL: `COPY … FROM STDIN`, straight into the table, or for an upsert (a `suffix` such as `ON CONFLICT …`) into
///   a temporary staging copy of the table first, then one `INSERT … SELECT … <suffix>` from it;
/// - SQLite: one `JSONRowInsert` (its `jsonb_each` is cheap there; it has no COPY).
/// Measured with `scripts/bench-ingest`: see docs/benchmarks.md.
enum BatchInsert {
    /// The encoding `run` wants for `db`.
    static func format(for db: any SQLDatabase) -> BatchRows.Format {
        db is PostgresSession ? .copy : .json
    }

    static func run(
        into table: String, columns: [(name: String, type: JSONRowInsert.ColumnType)], rows: BatchRows, suffix: StaticString = "",
        in db: any SQLDatabase
    ) async throws {
        guard rows.count > 0 else { return }
        guard rows.format == .copy, let session = db as? PostgresSession else {
            try await db.execute(sql: JSONRowInsert(table: table, columns: columns, rows: rows, suffix: suffix)) { _ in }
            return
        }
        let names = columns.map(\.name)
        guard suffix.utf8CodeUnitCount > 0 else {
            try await session.copy(into: table, columns: names, rows: rows)
            return
        }
        // One staging table per connection and target, emptied at every commit and after each use.
        let staging = "staging_" + table
        try await db.raw(
            "CREATE TEMPORARY TABLE IF NOT EXISTS \(ident: staging) (LIKE \(ident: table) INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        ).run()
        try await session.copy(into: staging, columns: names, rows: rows)
        try await db.execute(sql: StagedUpsert(table: table, staging: staging, columns: names, suffix: suffix)) { _ in }
        try await db.raw("TRUNCATE \(ident: staging)").run()
    }
}

/// `INSERT INTO table (columns) SELECT columns FROM staging <suffix>`.
private struct StagedUpsert: SQLExpression {
    let table: String
    let staging: String
    let columns: [String]
    let suffix: StaticString

    func serialize(to serializer: inout SQLSerializer) {
        let list = SQLList(columns.map { SQLIdentifier($0) })
        serializer.write("INSERT INTO ")
        SQLIdentifier(table).serialize(to: &serializer)
        serializer.write(" (")
        list.serialize(to: &serializer)
        serializer.write(") SELECT ")
        list.serialize(to: &serializer)
        serializer.write(" FROM ")
        SQLIdentifier(staging).serialize(to: &serializer)
        serializer.write(" \(suffix)")
    }
}
