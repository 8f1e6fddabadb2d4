import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit

/// One PostgreSQL connection seen as an `SQLDatabase` (every call goes to PostgresKit's own), which also lends the
/// connection for `COPY … FROM STDIN`: the hit writer's bulk path, which SQLKit has no expression for.
struct PostgresSession: SQLDatabase {
    let connection: PostgresConnection
    let base: any SQLDatabase

    init(_ connection: PostgresConnection) {
        self.connection = connection
        self.base = connection.sql()
    }

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// Streams `rows` (COPY's text format, one line a row) into `table`'s `columns`. Names come from code, never input.
    func copy(into table: String, columns: [String], rows: BatchRows) async throws {
        precondition(rows.format == .copy)
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await writer.write(ByteBuffer(bytes: rows.bytes))
        }
    }
}
