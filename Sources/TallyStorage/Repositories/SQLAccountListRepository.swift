import SQLKit
import TallyCore

/// An account's IP blacklist (visits from these addresses or networks are not recorded) and its domain whitelist
/// (where a dynamic destination may send visitors).
public struct SQLAccountListRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public enum List: String, Sendable {
        case ipBlacklist = "ip_blacklist"
        case domainWhitelist = "domain_whitelist"

        var column: String { self == .ipBlacklist ? "ip" : "name" }
    }

    public struct Entry: Sendable, Equatable {
        public let id: Int64
        public let accountID: Int64
        public let value: String
    }

    public func add(_ list: List, accountID: Int64, value: String, now: Int64) async throws -> Entry {
        try await database.transaction { db in
            if let existing = try await db.select().column("id").from(list.rawValue).where("account_id", .equal, accountID)
                .where(list.column, .equal, value).first(decodingColumn: "id", as: Int64.self)
            {
                return Entry(id: existing, accountID: accountID, value: value)
            }
            guard
                let id = try await db.insert(into: list.rawValue).columns("account_id", list.column, "created_at").values(accountID, value, now)
                    .returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: list.rawValue) }
            return Entry(id: id, accountID: accountID, value: value)
        }
    }

    public func entries(_ list: List, accountID: Int64? = nil) async throws -> [Entry] {
        try await database.read { db in
            var query = db.select().columns("id", "account_id", list.column).from(list.rawValue)
            if let accountID { query = query.where("account_id", .equal, accountID) }
            return try await query.orderBy("id").all().map { row in
                Entry(
                    id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
                    value: try row.decode(column: list.column, as: String.self))
            }
        }
    }

    /// Removes the entry; `nil` when the account has no such entry.
    public func remove(_ list: List, id: Int64, accountID: Int64) async throws -> Entry? {
        try await database.transaction { db in
            guard
                let row = try await db.select().columns("id", list.column).from(list.rawValue).where("id", .equal, id)
                    .where("account_id", .equal, accountID).first()
            else { return nil }
            try await db.delete(from: list.rawValue).where("id", .equal, id).run()
            return Entry(id: id, accountID: accountID, value: try row.decode(column: list.column, as: String.self))
        }
    }
}
