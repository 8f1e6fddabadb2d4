import SQLKit
import TallyCore

/// Tags and their links to datapoints and groups. A tag name is unique per account.
public struct SQLTagRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public struct Tag: Sendable, Equatable {
        public let id: Int64
        public let accountID: Int64
        public var name: String
        public var datapointIDs: [Int64]
        public var groupIDs: [Int64]
    }

    public static func validateName(_ name: String) throws(ValidationError) -> String {
        let trimmed = name.trimmingSpaces
        guard !trimmed.isEmpty, trimmed.count <= 100, !trimmed.contains(",") else {
            throw ValidationError(field: "Name", code: "tag_name_invalid", message: "a tag needs a name of 1 to 100 characters without commas")
        }
        return trimmed
    }

    /// The account's tag of that name, created when missing (ClickMeter answers a duplicate create with the existing tag).
    public func findOrCreate(accountID: Int64, name: String) async throws -> Tag {
        let name = try Self.validateName(name)
        return try await database.transaction { db in
            if let existing = try await db.select().column("id").from("tags").where("account_id", .equal, accountID).where("name", .equal, name)
                .first(decodingColumn: "id", as: Int64.self)
            {
                return try await Self.load(existing, in: db)!
            }
            guard
                let id = try await db.insert(into: "tags").columns("account_id", "name").values(accountID, name).returning("id")
                    .first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: "tags") }
            return Tag(id: id, accountID: accountID, name: name, datapointIDs: [], groupIDs: [])
        }
    }

    public func find(id: Int64) async throws -> Tag? {
        try await database.read { db in try await Self.load(id, in: db) }
    }

    public func list(accountID: Int64) async throws -> [Tag] {
        try await database.read { db in
            let ids = try await db.select().column("id").from("tags").where("account_id", .equal, accountID).orderBy("id")
                .all(decodingColumn: "id", as: Int64.self)
            var tags: [Tag] = []
            for id in ids { if let tag = try await Self.load(id, in: db) { tags.append(tag) } }
            return tags
        }
    }

    /// Which of the account's tags a list shows: a name substring (without case), and tags on any of some datapoints
    /// or groups.
    public struct Filter: Sendable {
        public var name: String?
        public var datapoints: Set<Int64>?
        public var groups: Set<Int64>?

        public init(name: String? = nil, datapoints: Set<Int64>? = nil, groups: Set<Int64>? = nil) {
            self.name = name
            self.datapoints = datapoints
            self.groups = groups
        }
    }

    static func predicate(accountID: Int64, _ filter: Filter) -> SQLQueryString {
        var conditions: [SQLQueryString] = ["account_id = \(bind: accountID)"]
        if let name = filter.name, !name.isEmpty {
            conditions.append("lower(name) LIKE \(bind: SQLDatapointRepository.likePattern(name.lowercased())) ESCAPE '\\'")
        }
        if let ids = filter.datapoints {
            conditions.append("id IN (SELECT tag_id FROM datapoint_tags WHERE \(SQLDatapointRepository.within("datapoint_id", ids)))")
        }
        if let ids = filter.groups {
            conditions.append("id IN (SELECT tag_id FROM group_tags WHERE \(SQLDatapointRepository.within("group_id", ids)))")
        }
        return conditions.joined(separator: " AND ")
    }

    /// The ids of one page of the tags the filter picks, by id.
    public func page(accountID: Int64, _ filter: Filter, _ window: PageWindow) async throws -> [Int64] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT id FROM tags WHERE \(Self.predicate(accountID: accountID, filter)) ORDER BY id \
                LIMIT \(bind: window.limit) OFFSET \(bind: window.offset)
                """
            ).all(decodingColumn: "id", as: Int64.self)
        }
    }

    public func count(accountID: Int64, _ filter: Filter) async throws -> Int {
        try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM tags WHERE \(Self.predicate(accountID: accountID, filter))").first(
                decodingColumn: "n", as: Int.self)
                ?? 0
        }
    }

    /// The account's tags by id, without what they are attached to (menus and filters).
    public func names(accountID: Int64) async throws -> [(id: Int64, name: String)] {
        try await database.read { db in
            try await db.select().columns("id", "name").from("tags").where("account_id", .equal, accountID).orderBy("id").all()
                .map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self)) }
        }
    }

    public func rename(id: Int64, to name: String) async throws {
        let name = try Self.validateName(name)
        try await database.transaction { db in
            guard let tag = try await Self.load(id, in: db) else { return }
            if let clash = try await db.select().column("id").from("tags").where("account_id", .equal, tag.accountID).where("name", .equal, name)
                .first(decodingColumn: "id", as: Int64.self), clash != id
            {
                throw ValidationError(field: "Text", code: "tag_name_taken", message: "the account already has a tag called \(name)")
            }
            try await db.update("tags").set("name", to: name).where("id", .equal, id).run()
        }
    }

    public func delete(id: Int64) async throws {
        try await database.transaction { db in
            try await db.delete(from: "datapoint_tags").where("tag_id", .equal, id).run()
            try await db.delete(from: "group_tags").where("tag_id", .equal, id).run()
            try await db.delete(from: "tags").where("id", .equal, id).run()
        }
    }

    public enum Target: String, Sendable {
        case datapoint = "datapoint_tags"
        case group = "group_tags"

        var column: String { self == .datapoint ? "datapoint_id" : "group_id" }
    }

    /// Adds or removes one association; adding twice or removing what is not there changes nothing.
    public func set(tagID: Int64, _ target: Target, id: Int64, attached: Bool) async throws {
        try await database.transaction { db in
            try await db.delete(from: target.rawValue).where("tag_id", .equal, tagID).where(target.column, .equal, id).run()
            if attached { try await db.insert(into: target.rawValue).columns("tag_id", target.column).values(tagID, id).run() }
        }
    }

    /// Detaches the tag from every datapoint (or group).
    public func detachAll(tagID: Int64, _ target: Target) async throws {
        try await database.transaction { db in
            try await db.delete(from: target.rawValue).where("tag_id", .equal, tagID).run()
        }
    }

    /// Tag names by datapoint id, for the datapoints listed.
    public func tags(ofDatapoints ids: [Int64]) async throws -> [Int64: [(id: Int64, name: String)]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.read { db in
            try await db.select().columns(
                SQLColumn("datapoint_id", table: "datapoint_tags"), SQLColumn("id", table: "tags"), SQLColumn("name", table: "tags")
            )
            .from("datapoint_tags").join("tags", on: SQLColumn("tag_id", table: "datapoint_tags"), .equal, SQLColumn("id", table: "tags"))
            .where(SQLColumn("datapoint_id", table: "datapoint_tags"), .in, SQLBind.group(ids)).all()
        }
        var result: [Int64: [(id: Int64, name: String)]] = [:]
        for row in rows {
            result[try row.decode(column: "datapoint_id", as: Int64.self), default: []].append(
                (try row.decode(column: "id", as: Int64.self), try row.decode(column: "name", as: String.self)))
        }
        return result
    }

    static func load(_ id: Int64, in db: any SQLDatabase) async throws -> Tag? {
        guard let row = try await db.select().columns("id", "account_id", "name").from("tags").where("id", .equal, id).first() else { return nil }
        let datapoints = try await db.select().column("datapoint_id").from("datapoint_tags").where("tag_id", .equal, id).orderBy("datapoint_id")
            .all(decodingColumn: "datapoint_id", as: Int64.self)
        let groups = try await db.select().column("group_id").from("group_tags").where("tag_id", .equal, id).orderBy("group_id")
            .all(decodingColumn: "group_id", as: Int64.self)
        return Tag(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), datapointIDs: datapoints, groupIDs: groups)
    }
}
