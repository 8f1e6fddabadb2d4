import Foundation
import SQLKit
import TallyCore

/// `DatapointQuery` in SQL: filtered, sorted, paged and counted by the database on the indexes of migration 14, never by
/// loading an account into memory.
extension SQLDatapointRepository {
    /// One page of the datapoints the query picks, in its order.
    public func page(_ query: DatapointQuery, _ window: PageWindow) async throws -> [Datapoint] {
        let kind = database.kind
        let columns = Self.columns.map { "datapoints.\($0) AS \($0)" }.joined(separator: ", ")
        if let anchors, window.offset >= anchors.threshold, PageAnchors.anchorable(query), Self.plainPlan(query, kind) {
            return try await anchoredPage(columns, query, window, anchors).map(Self.datapoint(from:))
        }
        return try await database.read { db in
            try await db.raw(try await Self.plannedSelect(columns, query, window, kind, db)).all().map(Self.datapoint(from:))
        }
    }

    /// Whether `plannedSelect` would read the query by its order's index (no text or creation-range plan).
    static func plainPlan(_ query: DatapointQuery, _ kind: DatabaseKind) -> Bool {
        (kind == .postgres || (query.text ?? "").isEmpty) && query.createdFrom == nil && query.createdTo == nil
    }

    /// A deep page from the nearest remembered row before it (or from the start), reading one row more at the front:
    /// that row and the page's last are remembered for the same page again and for the next one.
    func anchoredPage(_ columns: String, _ query: DatapointQuery, _ window: PageWindow, _ anchors: PageAnchors) async throws -> [any SQLRow] {
        let kind = database.kind
        let stamp = anchors.stamp(query.accountID)
        let anchor = anchors.nearest(query, before: window.offset)
        // SQL returns positions from `from` on (the row after the anchor); read from the row before the page when it is
        // not the anchor itself.
        let from = anchor.map { $0.offset + 1 } ?? 0
        let first = from == window.offset ? window.offset : window.offset - 1
        let skip = first - from
        let count = window.offset + window.limit - first
        let rows = try await database.read { db in
            var conditions: [SQLQueryString] = [Self.predicate(query, kind)]
            if let anchor { conditions.append(Self.after(anchor, query)) }
            return try await db.raw(
                """
                SELECT \(unsafeRaw: columns), \(unsafeRaw: Self.sortValue(query)) AS sort_value FROM datapoints \
                WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(unsafeRaw: Self.order(query)) \
                LIMIT \(bind: count) OFFSET \(bind: skip)
                """
            ).all()
        }
        var found: [PageAnchors.Anchor] = []
        for (index, row) in rows.enumerated() where index == 0 || index == rows.count - 1 {
            found.append(
                .init(offset: first + index, sortValue: try Self.decodeSortValue(row, query), id: try row.decode(column: "id", as: Int64.self)))
        }
        anchors.record(query, found, readUnder: stamp)
        return Array(rows.dropFirst(window.offset - first))
    }

    /// The sort column of the query's order, as SQL compares it.
    static func sortValue(_ query: DatapointQuery) -> String {
        switch query.sort {
        case .id: "NULL"
        case .name: "lower(datapoints.name)"
        case .title: "lower(datapoints.title)"
        case .created: "datapoints.created_at"
        }
    }

    static func decodeSortValue(_ row: any SQLRow, _ query: DatapointQuery) throws -> PageAnchors.SortValue {
        switch query.sort {
        case .id: .none
        case .name, .title: .text(try row.decode(column: "sort_value", as: String.self))
        case .created: .number(try row.decode(column: "sort_value", as: Int64.self))
        }
    }

    /// The rows after `anchor` in the query's order: `value >= v AND (value > v OR id > i)` rather than the row value
    /// `(value, id) > (v, i)`, which SQLite does not turn into a range of the order's index (it walked every row of the
    /// account before the anchor: 245 ms at row 500,000 by name, 11 ms with this form); PostgreSQL reads both as a range.
    static func after(_ anchor: PageAnchors.Anchor, _ query: DatapointQuery) -> SQLQueryString {
        let comparison = query.descending ? "<" : ">"
        let bound = query.descending ? "<=" : ">="
        let value: (any Encodable & Sendable)? =
            switch anchor.sortValue {
            case .none: nil
            case .text(let text): text
            case .number(let number): number
            }
        guard let value else { return "id \(unsafeRaw: comparison) \(bind: anchor.id)" }
        let column = sortValue(query)
        return """
            \(unsafeRaw: column) \(unsafeRaw: bound) \(bind: value) \
            AND (\(unsafeRaw: column) \(unsafeRaw: comparison) \(bind: value) OR id \(unsafeRaw: comparison) \(bind: anchor.id))
            """
    }

    /// The SELECT of one page, planned for the engine:
    /// - a text search in id order on SQLite walks the trigram index in rowid order and stops at the page's end, instead
    ///   of collecting every match first (a word on a third of a million links);
    /// - a creation range that holds few datapoints reads them by the creation index and sorts them. SQLite's planner
    ///   cannot estimate a range, and PostgreSQL's assumes the range is spread evenly over the id order when new links are
    ///   all at its end (it walked a million rows for a day's links, 170 ms): both would walk the account in the order's
    ///   index looking for them. On PostgreSQL the order's expressions are wrapped (`+id`) so no index can give it.
    static func plannedSelect(
        _ columns: String, _ query: DatapointQuery, _ window: PageWindow, _ kind: DatabaseKind, _ db: any SQLDatabase
    ) async throws -> SQLQueryString {
        let paging: SQLQueryString = "LIMIT \(bind: window.limit) OFFSET \(bind: window.offset)"
        if kind == .sqlite, query.sort == .id, let text = query.text, let match = ftsMatch(needle(text)) {
            var rest = query
            rest.text = nil
            return """
                SELECT \(unsafeRaw: columns) FROM datapoints_text CROSS JOIN datapoints WHERE datapoints_text MATCH \(match) \
                AND datapoints.id = datapoints_text.rowid AND \(predicate(rest, kind)) \
                ORDER BY datapoints_text.rowid\(unsafeRaw: query.descending ? " DESC" : "") \(paging)
                """
        }
        if query.sort != .created, query.createdFrom != nil || query.createdTo != nil {
            var range: [SQLQueryString] = ["account_id = \(bind: query.accountID)"]
            if let from = query.createdFrom { range.append("created_at >= \(bind: from)") }
            if let to = query.createdTo { range.append("created_at <= \(bind: to)") }
            let byCreation = kind == .sqlite ? "datapoints INDEXED BY datapoints_account_created" : "datapoints"
            let few =
                try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(unsafeRaw: byCreation) \
                    WHERE \(range.joined(separator: " AND ")) LIMIT \(unsafeRaw: String(Self.fewCreated))) AS candidates
                    """
                ).first(decodingColumn: "n", as: Int.self) ?? 0
            if few < Self.fewCreated {
                let sorted = kind == .sqlite ? order(query) : order(query, unindexed: true)
                return """
                    SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: byCreation) WHERE \(predicate(query, kind)) \
                    ORDER BY \(unsafeRaw: sorted) \(paging)
                    """
            }
        }
        return "SELECT \(unsafeRaw: columns) FROM datapoints WHERE \(predicate(query, kind)) ORDER BY \(unsafeRaw: order(query)) \(paging)"
    }

    /// A creation range with fewer datapoints than this is read by the creation index and sorted (20,000 rows: a few
    /// milliseconds on either engine, where walking the order's index past a million others took 150 ms).
    static let fewCreated = 20_000

    /// How many datapoints the query picks: from `datapoint_counts` when only status, type and groups narrow it.
    public func count(_ query: DatapointQuery) async throws -> Int {
        let kind = database.kind
        return try await database.read { db in
            if query.isCountedByCounters {
                guard let counters = Self.counterConditions(query) else { return 0 }
                return try await db.raw("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM datapoint_counts WHERE \(counters)")
                    .first(decodingColumn: "n", as: Int.self) ?? 0
            }
            return try await db.raw("SELECT COUNT(*) AS n FROM datapoints WHERE \(Self.predicate(query, kind))")
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    /// How many datapoints the query picks, counting no further than `limit`: a word on a third of a million links is
    /// counted in the page's own plan (SQLite's trigram index in id order) and stops at `limit` instead of collecting
    /// every match. What the dashboard shows as "1,000+".
    public func count(_ query: DatapointQuery, upTo limit: Int) async throws -> Int {
        if query.isCountedByCounters { return min(try await count(query), limit) }
        let kind = database.kind
        return try await database.read { db in
            let capped = try await Self.plannedSelect("datapoints.id AS id", query, PageWindow(offset: 0, limit: max(0, limit)), kind, db)
            return try await db.raw("SELECT COUNT(*) AS n FROM (\(capped)) AS capped").first(decodingColumn: "n", as: Int.self) ?? 0
        }
    }

    /// `count(_:upTo:)` and, when `window` lies among those first `limit` matches, the ids of that page, in one
    /// statement: the capped read is kept (a common table) and both counted and paged from, so a search's page is not a
    /// second walk through the text, nor a thousand ids sent back to be paged here. Id order only (nil ids otherwise).
    public func count(_ query: DatapointQuery, upTo limit: Int, page window: PageWindow) async throws -> (count: Int, ids: [Int64]?) {
        guard query.sort == .id, !query.isCountedByCounters, window.offset + window.limit <= limit else {
            return (try await count(query, upTo: limit), nil)
        }
        let kind = database.kind
        return try await database.read { db in
            let capped = try await Self.plannedSelect("datapoints.id AS id", query, PageWindow(offset: 0, limit: max(0, limit)), kind, db)
            let rows = try await db.raw(
                """
                WITH capped AS (\(capped)) SELECT (SELECT COUNT(*) FROM capped) AS n, page.id AS id FROM (SELECT 1 AS one) AS one \
                LEFT JOIN (SELECT id FROM capped ORDER BY \(unsafeRaw: Self.order(query)) LIMIT \(bind: window.limit) \
                OFFSET \(bind: window.offset)) AS page ON 1 = 1
                """
            ).all()
            let count = try rows.first?.decode(column: "n", as: Int.self) ?? 0
            let ids = try rows.compactMap { try $0.decode(column: "id", as: Int64?.self) }
            return (count, ids)
        }
    }

    /// The rows of `datapoint_counts` a query counted by the counters sums, or `nil` when it picks no status at all.
    static func counterConditions(_ query: DatapointQuery) -> SQLQueryString? {
        guard !query.statuses.isEmpty else { return nil }
        var conditions: [SQLQueryString] = [
            "account_id = \(bind: query.accountID)", "status IN (\(binds: query.statuses.map(\.rawValue).sorted()))",
        ]
        if let type = query.type { conditions.append("type = \(bind: type.rawValue)") }
        if let groupID = query.groupID { conditions.append("group_id = \(bind: groupID)") }
        if let groupIDs = query.groupIDs { conditions.append(within("group_id", groupIDs)) }
        if let groups = query.visibility.groups { conditions.append(within("group_id", groups)) }
        return conditions.joined(separator: " AND ")
    }

    /// The ids of one page of the datapoints the query picks, in its order.
    public func ids(_ query: DatapointQuery, _ window: PageWindow) async throws -> [Int64] {
        let kind = database.kind
        return try await database.read { db in
            try await db.raw(try await Self.plannedSelect("datapoints.id AS id", query, window, kind, db)).all(decodingColumn: "id", as: Int64.self)
        }
    }

    /// These datapoints in the order of `ids` (a ranked page); missing ids are left out.
    public func find(orderedIDs ids: [Int64]) async throws -> [Datapoint] {
        let found = Dictionary(try await find(ids: ids).map { ($0.id, $0) }) { first, _ in first }
        return ids.compactMap { found[$0] }
    }

    /// How many of the datapoints `query` picks are in each of its `groupIDs` (from the counters when they can tell).
    public func countsPerGroup(_ query: DatapointQuery) async throws -> [Int64: Int] {
        guard let groups = query.groupIDs, !groups.isEmpty else { return [:] }
        let kind = database.kind
        return try await database.read { db in
            // The groups themselves are a column of the counters; only the other filters decide.
            var others = query
            others.groupIDs = nil
            let rows: [any SQLRow]
            if others.isCountedByCounters {
                guard let counters = Self.counterConditions(query) else { return [:] }
                rows = try await db.raw("SELECT group_id, CAST(SUM(n) AS BIGINT) AS n FROM datapoint_counts WHERE \(counters) GROUP BY group_id")
                    .all()
            } else {
                rows = try await db.raw("SELECT group_id, COUNT(*) AS n FROM datapoints WHERE \(Self.predicate(query, kind)) GROUP BY group_id").all()
            }
            var counts: [Int64: Int] = [:]
            for row in rows { counts[try row.decode(column: "group_id", as: Int64.self)] = try row.decode(column: "n", as: Int.self) }
            return counts
        }
    }

    /// The WHERE clause of `query` over `datapoints` (unqualified columns), with every value bound.
    public static func predicate(_ query: DatapointQuery, _ kind: DatabaseKind) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["account_id = \(bind: query.accountID)"]
        let statuses = query.statuses.map(\.rawValue).sorted()
        if statuses.isEmpty {
            conditions.append("1 = 0")
        } else if statuses.count == DatapointStatus.allCases.count - 1,
            let missing = DatapointStatus.allCases.first(where: { !query.statuses.contains($0) })
        {
            conditions.append("status <> \(bind: missing.rawValue)")
        } else if statuses.count < DatapointStatus.allCases.count {
            conditions.append("status IN (\(binds: statuses))")
        }
        if let groups = query.visibility.groups { conditions.append(within("group_id", groups)) }
        if let shares = query.visibility.shares {
            conditions.append("(\(within("id", shares.datapoints)) OR \(within("group_id", shares.groups)))")
        }
        if let type = query.type { conditions.append("type = \(bind: type.rawValue)") }
        if let groupID = query.groupID { conditions.append("group_id = \(bind: groupID)") }
        if let groupIDs = query.groupIDs { conditions.append(within("group_id", groupIDs)) }
        switch query.linkedTo {
        case .conversion(let id)?:
            conditions.append("id IN (SELECT datapoint_id FROM conversion_datapoints WHERE conversion_id = \(bind: id))")
        case .script(let id)?:
            conditions.append("id IN (SELECT datapoint_id FROM datapoint_scripts WHERE script_id = \(bind: id))")
        case nil: break
        }
        if let names = query.tagNames {
            let lowered = names.map { $0.lowercased() }.sorted()
            conditions.append(
                lowered.isEmpty
                    ? "1 = 0"
                    : """
                    id IN (SELECT dt.datapoint_id FROM datapoint_tags dt JOIN tags t ON t.id = dt.tag_id \
                    WHERE t.account_id = \(bind: query.accountID) AND lower(t.name) IN (\(binds: lowered)))
                    """)
        }
        if let tagID = query.tagID { conditions.append("id IN (SELECT datapoint_id FROM datapoint_tags WHERE tag_id = \(bind: tagID))") }
        if query.favouritesOnly { conditions.append("is_favourite") }
        if let from = query.createdFrom { conditions.append("created_at >= \(bind: from)") }
        if let to = query.createdTo { conditions.append("created_at <= \(bind: to)") }
        if let text = query.text, !text.isEmpty { conditions.append(textCondition(text, kind)) }
        return conditions.joined(separator: " AND ")
    }

    /// A substring of name, title, notes or destination, without case. SQLite's trigram index answers needles of two
    /// characters or more (`ftsMatch`); a shorter one reads the account's rows (LIKE). PostgreSQL's expression is the one
    /// its trigram index holds.
    static func textCondition(_ text: String, _ kind: DatabaseKind) -> SQLQueryString {
        let text = needle(text)
        switch kind {
        case .sqlite:
            if let match = ftsMatch(text) { return "id IN (SELECT rowid FROM datapoints_text WHERE datapoints_text MATCH \(match))" }
            let pattern = likePattern(text)
            return """
                (name LIKE \(bind: pattern) ESCAPE '\\' OR title LIKE \(bind: pattern) ESCAPE '\\' \
                OR notes LIKE \(bind: pattern) ESCAPE '\\' OR COALESCE(destination_url, '') LIKE \(bind: pattern) ESCAPE '\\')
                """
        case .postgres:
            // lower() on both sides: the same folding whatever the server's locale folds.
            let like: SQLQueryString = "\(unsafeRaw: Migration.postgresSearchText) LIKE lower(\(bind: likePattern(text))) ESCAPE '\\'"
            guard isIndexedPair(text) else { return like }
            // Two characters: the pair index (migration 22) finds the rows, the LIKE checks them.
            return "clicktally_bigrams(\(unsafeRaw: Migration.postgresSearchText)) @> ARRAY[lower(\(bind: text))]::text[] AND \(like)"
        }
    }

    /// What SQLite's `datapoints_text MATCH` compares with for a needle, or `nil` when the index cannot answer it: one
    /// character, or two that are not an indexed pair (`isIndexedPair`). Three characters
    /// or more are one phrase. Two are every indexed trigram that starts with them (each value is indexed with U+FFFF
    /// after it, migration 21, so an occurrence at a value's end starts one too), read from the index's term order by
    /// `datapoints_text_terms`, or a phrase no value holds when there is none. `needle` comes from `needle(_:)`.
    static func ftsMatch(_ needle: String) -> SQLQueryString? {
        if needle.unicodeScalars.count >= 3 { return "\(bind: ftsPhrase(needle))" }
        guard isIndexedPair(needle) else { return nil }
        let start = needle.lowercased()
        return """
            (SELECT COALESCE(group_concat('"' || replace(term, '"', '""') || '"', ' OR '), \(bind: Self.matchesNothing)) \
            FROM datapoints_text_terms WHERE term >= \(bind: start) AND term < \(bind: start + "\u{10FFFF}\u{10FFFF}"))
            """
    }

    /// The text searched for: U+FFFF marks where SQLite's indexed values end (migration 21), so no needle searches for
    /// it, on either engine.
    static func needle(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{FFFF}", with: "")
    }

    /// Two ASCII characters: what the pair indexes answer (SQLite's trigram terms, PostgreSQL's `clicktally_bigrams`).
    /// Other two-character needles use LIKE, as Swift's and the engines' case folding might differ outside ASCII.
    static func isIndexedPair(_ needle: String) -> Bool {
        needle.unicodeScalars.count == 2 && needle.unicodeScalars.allSatisfy(\.isASCII)
    }

    /// Three U+FFFF: the index holds one only after each value (migration 21 takes it out of the values themselves).
    static let matchesNothing = "\"\u{FFFF}\u{FFFF}\u{FFFF}\""

    /// The needle as one FTS5 phrase (its quotes doubled): every character literal.
    static func ftsPhrase(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `%text%` with LIKE's own characters escaped.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }

    /// `column IN (…)`, or a condition that is never true for no values.
    static func within(_ column: String, _ values: Set<Int64>) -> SQLQueryString {
        values.isEmpty ? "1 = 0" : "\(ident: column) IN (\(binds: values.sorted()))"
    }

    /// Each order ends with the id, so pages never overlap; each has its index (migration 14).
    /// `unindexed`: the same order through expressions no index holds (`+id`, `lower(name) || ''`), so PostgreSQL
    /// sorts the rows another index found instead of walking this order's index.
    static func order(_ query: DatapointQuery, unindexed: Bool = false) -> String {
        let direction = query.descending ? " DESC" : ""
        let id = unindexed ? "+id" : "id"
        let text = unindexed ? " || ''" : ""
        switch query.sort {
        case .id: return "\(id)\(direction)"
        case .name: return "lower(name)\(text)\(direction), \(id)\(direction)"
        case .title: return "lower(title)\(text)\(direction), \(id)\(direction)"
        case .created: return "created_at\(direction), \(id)\(direction)"
        }
    }
}
