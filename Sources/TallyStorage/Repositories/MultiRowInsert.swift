import SQLKit
import Synchronization

/// `INSERT INTO table (columns) VALUES (…), (…)` with every value bound.
/// SQLKit's insert builder makes an expression tree of several nodes per value, and even a flat walk writes a
/// placeholder per value; for the hit writer's tens of thousands of values a second that cost more than
/// SQLite's own work. The statement text depends only on the dialect, the shape and the row count, so it
/// is built once per shape and reused; only the values change.
struct MultiRowInsert: SQLExpression {
    let table: String
    let columns: [String]
    /// Row-major: `columns.count` values per row.
    let values: [any Encodable & Sendable]
    /// Fixed SQL after the values, such as an `ON CONFLICT` clause; never built from input.
    var suffix: StaticString = ""

    func serialize(to serializer: inout SQLSerializer) {
        // Placeholders are numbered from the statement's first bind (`$1` on PostgreSQL), so the cached text
        // is only valid for an insert that is the whole statement.
        guard serializer.binds.isEmpty, serializer.sql.isEmpty else {
            writeText(to: &serializer, binds: values)
            return
        }
        let key = Shape(
            dialect: serializer.dialect.name, table: table, columns: columns, rows: values.count / max(columns.count, 1), suffix: "\(suffix)")
        let text =
            Self.texts.withLock { $0[key] }
            ?? {
                var scratch = SQLSerializer(database: serializer.database)
                writeText(to: &scratch, binds: values)
                Self.texts.withLock { texts in
                    if texts.count > 64 { texts.removeAll() }  // shapes are few; this only bounds a surprise
                    texts[key] = scratch.sql
                }
                return scratch.sql
            }()
        serializer.write(text)
        serializer.binds = values
    }

    private func writeText(to serializer: inout SQLSerializer, binds: [any Encodable & Sendable]) {
        serializer.write("INSERT INTO ")
        SQLIdentifier(table).serialize(to: &serializer)
        serializer.write(" (")
        for (index, column) in columns.enumerated() {
            if index > 0 { serializer.write(", ") }
            SQLIdentifier(column).serialize(to: &serializer)
        }
        serializer.write(") VALUES ")
        for (index, value) in binds.enumerated() {
            let column = index % columns.count
            if column == 0 { serializer.write(index == 0 ? "(" : ", (") } else { serializer.write(", ") }
            serializer.write(bind: value)
            if column == columns.count - 1 { serializer.write(")") }
        }
        if suffix.utf8CodeUnitCount > 0 { serializer.write(" \(suffix)") }
    }

    private struct Shape: Hashable {
        let dialect: String
        let table: String
        let columns: [String]
        let rows: Int
        let suffix: String
    }

    private static let texts = Mutex<[Shape: String]>([:])
}
