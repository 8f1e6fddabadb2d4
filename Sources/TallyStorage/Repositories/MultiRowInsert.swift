import SQLKit

/// `INSERT INTO table (columns) VALUES (…), (…)` with every value bound, serialised in one pass.
/// SQLKit's insert builder makes an expression tree of several nodes per value; for the hit writer's
/// thousands of values per batch that tree cost more than SQLite's own work, so it is skipped here.
struct MultiRowInsert: SQLExpression {
    let table: String
    let columns: [String]
    /// Row-major: `columns.count` values per row.
    let values: [any Encodable & Sendable]
    /// Fixed SQL after the values, such as an `ON CONFLICT` clause; never built from input.
    var suffix: StaticString = ""

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("INSERT INTO ")
        SQLIdentifier(table).serialize(to: &serializer)
        serializer.write(" (")
        for (index, column) in columns.enumerated() {
            if index > 0 { serializer.write(", ") }
            SQLIdentifier(column).serialize(to: &serializer)
        }
        serializer.write(") VALUES ")
        for (index, value) in values.enumerated() {
            let column = index % columns.count
            if column == 0 { serializer.write(index == 0 ? "(" : ", (") } else { serializer.write(", ") }
            serializer.write(bind: value)
            if column == columns.count - 1 { serializer.write(")") }
        }
        if suffix.utf8CodeUnitCount > 0 { serializer.write(" \(suffix)") }
    }
}
