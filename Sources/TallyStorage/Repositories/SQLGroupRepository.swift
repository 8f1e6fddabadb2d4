import SQLKit
import TallyCore

/// Groups (campaigns) over SQLKit, the same code for both engines.
public struct SQLGroupRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    static let columns = ["id", "account_id", "name", "notes", "is_favourite", "is_deleted", "created_at", "updated_at"]

    public func create(accountID: Int64, name: String, notes: String, isFavourite: Bool, now: Int64) async throws -> LinkGroup {
        let name = try LinkGroup.validateName(name)
        let id = try await database.transaction { db in
            try await db.insert(into: "link_groups").columns("account_id", "name", "notes", "is_favourite", "is_deleted", "created_at", "updated_at")
                .values(accountID, name, notes, isFavourite, false, now, now).returning("id").first(decodingColumn: "id", as: Int64.self)
        }
        guard let id else { throw StorageError.missingInsertID(table: "link_groups") }
        return LinkGroup(id: id, accountID: accountID, name: name, notes: notes, isFavourite: isFavourite, createdAt: now, updatedAt: now)
    }

    public func find(id: Int64) async throws -> LinkGroup? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("link_groups").where("id", .equal, id).first().map(Self.group(from:))
        }
    }

    /// Names by id for the groups listed (a page of datapoints names its groups in one query).
    public func names(ids: Set<Int64>) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.read { db in
            try await db.select().columns("id", "name").from("link_groups").where("id", .in, SQLBind.group(Array(ids))).all()
        }
        var names: [Int64: String] = [:]
        for row in rows { names[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "name", as: String.self) }
        return names
    }

    /// The account's groups, deleted ones only when asked.
    public func list(accountID: Int64, includeDeleted: Bool, onlyDeleted: Bool = false) async throws -> [LinkGroup] {
        try await database.read { db in
            var query = db.select().columns(Self.columns).from("link_groups").where("account_id", .equal, accountID)
            if onlyDeleted {
                query = query.where("is_deleted", .equal, true)
            } else if !includeDeleted {
                query = query.where("is_deleted", .equal, false)
            }
            return try await query.orderBy("id").all().map(Self.group(from:))
        }
    }

    /// The account's groups that are not deleted, id and name only, in id order (a filter's choices: decoding two
    /// columns of a thousand groups instead of every column is most of what a links page spent on them).
    public func names(accountID: Int64) async throws -> [(id: Int64, name: String)] {
        try await names(NamedListQuery(accountID: accountID))
    }

    public func save(_ group: LinkGroup, now: Int64) async throws -> LinkGroup {
        let name = try LinkGroup.validateName(group.name)
        try await database.transaction { db in
            try await db.update("link_groups").set("name", to: name).set("notes", to: group.notes).set("is_favourite", to: group.isFavourite)
                .set("is_deleted", to: group.isDeleted).set("updated_at", to: now).where("id", .equal, group.id).run()
        }
        var saved = group
        saved.name = name
        saved.updatedAt = now
        return saved
    }

    static func group(from row: any SQLRow) throws -> LinkGroup {
        LinkGroup(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), notes: try row.decode(column: "notes", as: String.self),
            isFavourite: try row.decode(column: "is_favourite", as: Bool.self), isDeleted: try row.decode(column: "is_deleted", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self), updatedAt: try row.decode(column: "updated_at", as: Int64.self))
    }
}
