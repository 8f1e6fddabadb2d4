import SQLKit

/// `INSERT INTO table (columns) SELECT … FROM <the rows as one JSON array>`: every row of a batch in one bound
/// value. The hit writer inserts tens of thousands of rows a second; bound one value at a time, the binding
/// (SQLKit's per-value encoding, SQLite's parse of a statement with 20,000 placeholders) cost more than the
/// inserts themselves. Both engines expand a JSON array natively: SQLite with `jsonb_each`, PostgreSQL with
/// `jsonb_array_elements`. (PostgreSQL's `json` re-parses a row's text for every `->>`: 24 parses a hit, 71 µs of its
/// CPU per hit inserted, measured with `scripts/bench-ingest`; `jsonb` parses once.)
struct JSONRowInsert: SQLExpression {
    enum ColumnType: String {
        case bigint, integer, boolean, text
        case double = "float8"
    }

    let table: String
    let columns: [(name: String, type: ColumnType)]
    let rows: BatchRows
    /// Fixed SQL after the rows, such as an `ON CONFLICT` clause; never built from input.
    var suffix: StaticString = ""

    func serialize(to serializer: inout SQLSerializer) {
        let postgres = serializer.dialect.name == "postgresql"
        serializer.write("INSERT INTO ")
        SQLIdentifier(table).serialize(to: &serializer)
        serializer.write(" (")
        for (index, column) in columns.enumerated() {
            if index > 0 { serializer.write(", ") }
            SQLIdentifier(column.name).serialize(to: &serializer)
        }
        serializer.write(") SELECT ")
        for (index, column) in columns.enumerated() {
            if index > 0 { serializer.write(", ") }
            // SQLite's `->>` already gives INTEGER for numbers and 1/0 for booleans; PostgreSQL's gives text.
            serializer.write(postgres ? "(value ->> \(index))::\(column.type.rawValue)" : "value ->> \(index)")
        }
        serializer.write(postgres ? " FROM jsonb_array_elements(" : " FROM jsonb_each(")
        serializer.write(bind: rows.text)
        // `WHERE true` keeps SQLite from reading a following ON CONFLICT as part of the SELECT's join.
        serializer.write(postgres ? "::jsonb) WHERE true" : ") WHERE true")
        if suffix.utf8CodeUnitCount > 0 { serializer.write(" \(suffix)") }
    }
}
