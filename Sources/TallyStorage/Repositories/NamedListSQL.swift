import SQLKit
import TallyCore

/// `NamedListQuery` in SQL, for `link_groups` and `conversions`: the WHERE clause, a page by id and a count.
enum NamedListSQL {
    /// - Parameters: textColumns: the columns the text is looked for in; favourites: the table has `is_favourite`.
    static func predicate(_ query: NamedListQuery, textColumns: [String], favourites: Bool) -> SQLQueryString {
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
        if query.favouritesOnly, favourites { conditions.append("is_favourite = \(bind: true)") }
        return conditions.joined(separator: " AND ")
    }

    static func page(
        _ db: any SQLDatabase, table: String, columns: [String], where predicate: SQLQueryString, _ window: PageWindow?
    ) async throws -> [any SQLRow] {
        let paging: SQLQueryString = window.map { " LIMIT \(bind: $0.limit) OFFSET \(bind: $0.offset)" } ?? ""
        return try await db.raw(
            "SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM \(ident: table) WHERE \(predicate) ORDER BY id\(paging)"
        ).all()
    }

    static func count(_ db: any SQLDatabase, table: String, where predicate: SQLQueryString) async throws -> Int {
        try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(predicate)").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

extension SQLGroupRepository {
    /// A page of the groups the query picks, by id (`nil`: all of them, for a summary that ranks them itself).
    public func page(_ query: NamedListQuery, _ window: PageWindow?) async throws -> [LinkGroup] {
        let predicate = NamedListSQL.predicate(query, textColumns: ["name", "notes"], favourites: true)
        return try await database.read { db in
            try await NamedListSQL.page(db, table: "link_groups", columns: Self.columns, where: predicate, window).map(Self.group(from:))
        }
    }

    public func count(_ query: NamedListQuery) async throws -> Int {
        let predicate = NamedListSQL.predicate(query, textColumns: ["name", "notes"], favourites: true)
        return try await database.read { db in try await NamedListSQL.count(db, table: "link_groups", where: predicate) }
    }
}

extension SQLConversionRepository {
    /// A page of the conversion goals the query picks, by id (`nil`: all of them).
    public func page(_ query: NamedListQuery, _ window: PageWindow?) async throws -> [Conversion] {
        let predicate = NamedListSQL.predicate(query, textColumns: ["name", "description"], favourites: false)
        return try await database.read { db in
            try await NamedListSQL.page(db, table: "conversions", columns: Self.columns, where: predicate, window).map(Self.conversion(from:))
        }
    }

    public func count(_ query: NamedListQuery) async throws -> Int {
        let predicate = NamedListSQL.predicate(query, textColumns: ["name", "description"], favourites: false)
        return try await database.read { db in try await NamedListSQL.count(db, table: "conversions", where: predicate) }
    }
}
