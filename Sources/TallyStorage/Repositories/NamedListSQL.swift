import SQLKit
import TallyCore

/// `NamedListQuery` in SQL over one of the tables it serves (`link_groups`, `conversions`): the WHERE clause, a page by
/// id and a count.
struct NamedListTable: Sendable {
    let name: String
    let columns: [String]
    /// The columns the text is looked for in.
    let textColumns: [String]
    /// Whether the table has `is_favourite` (conversion goals have not).
    let hasFavourites: Bool

    static let groups = NamedListTable(name: "link_groups", columns: SQLGroupRepository.columns, textColumns: ["name", "notes"], hasFavourites: true)
    static let conversions = NamedListTable(
        name: "conversions", columns: SQLConversionRepository.columns, textColumns: ["name", "description"], hasFavourites: false)

    func predicate(_ query: NamedListQuery) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["account_id = \(bind: query.accountID)"]
        switch query.deletion {
        case .active: conditions.append("is_deleted = \(bind: false)")
        case .deleted: conditions.append("is_deleted = \(bind: true)")
        case .all: break
        }
        if let ids = query.ids { conditions.append(SQLDatapointRepository.within("id", ids)) }
        if let text = query.text, !text.isEmpty {
            let pattern = SQLDatapointRepository.likePattern(text.lowercased())
            let alternatives: [SQLQueryString] = textColumns.map { "lower(\(ident: $0)) LIKE \(bind: pattern) ESCAPE '\\'" }
            conditions.append("(\(alternatives.joined(separator: " OR ")))")
        }
        if let from = query.createdFrom { conditions.append("created_at >= \(bind: from)") }
        if let to = query.createdTo { conditions.append("created_at <= \(bind: to)") }
        if query.favouritesOnly, hasFavourites { conditions.append("is_favourite = \(bind: true)") }
        return conditions.joined(separator: " AND ")
    }

    /// A page by id (`nil`: every row the query picks).
    func page(_ database: any TallyDatabase, _ query: NamedListQuery, _ window: PageWindow?) async throws -> [any SQLRow] {
        let paging: SQLQueryString = window.map { " LIMIT \(bind: $0.limit) OFFSET \(bind: $0.offset)" } ?? ""
        let select: SQLQueryString =
            "SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM \(ident: name) WHERE \(predicate(query)) ORDER BY id\(paging)"
        return try await database.read { db in try await db.raw(select).all() }
    }

    /// Every row the query picks, id and name only, by id: what a summary ranks them by (decoding every column of a
    /// thousand groups was most of a group summary's time on PostgreSQL).
    func names(_ database: any TallyDatabase, _ query: NamedListQuery) async throws -> [(id: Int64, name: String)] {
        let select: SQLQueryString = "SELECT id, name FROM \(ident: name) WHERE \(predicate(query)) ORDER BY id"
        return try await database.read { db in
            try await db.raw(select).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self)) }
        }
    }

    func count(_ database: any TallyDatabase, _ query: NamedListQuery) async throws -> Int {
        let select: SQLQueryString = "SELECT COUNT(*) AS n FROM \(ident: name) WHERE \(predicate(query))"
        return try await database.read { db in try await db.raw(select).first(decodingColumn: "n", as: Int.self) ?? 0 }
    }
}

extension SQLGroupRepository {
    /// A page of the groups the query picks, by id (`nil`: all of them, for a summary that ranks them itself).
    public func page(_ query: NamedListQuery, _ window: PageWindow?) async throws -> [LinkGroup] {
        try await NamedListTable.groups.page(database, query, window).map(Self.group(from:))
    }

    public func count(_ query: NamedListQuery) async throws -> Int { try await NamedListTable.groups.count(database, query) }

    /// The id and name of every group the query picks, by id.
    public func names(_ query: NamedListQuery) async throws -> [(id: Int64, name: String)] {
        try await NamedListTable.groups.names(database, query)
    }
}

extension SQLConversionRepository {
    /// A page of the conversion goals the query picks, by id (`nil`: all of them).
    public func page(_ query: NamedListQuery, _ window: PageWindow?) async throws -> [Conversion] {
        try await NamedListTable.conversions.page(database, query, window).map(Self.conversion(from:))
    }

    public func count(_ query: NamedListQuery) async throws -> Int { try await NamedListTable.conversions.count(database, query) }
}
