import SQLKit
import TallyCore

/// What a fresh installation needs before the first link: an account to own links (until users and
/// accounts can be made) and the system domain named by `--public-url`.
public struct Bootstrap: Sendable {
    public struct Defaults: Sendable, Equatable {
        public let accountID: Int64
        public let systemDomain: Domain
    }

    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Idempotent; when the public URL changed, the system domain follows it and its links keep working.
    public func ensureDefaults(systemDomainName: String, now: Int64) async throws -> Defaults {
        try await database.transaction { db in
            let accountID: Int64
            if let existing = try await db.select().column("id").from("accounts").orderBy("id").limit(1)
                .first(decodingColumn: "id", as: Int64.self)
            {
                accountID = existing
            } else {
                guard
                    let id = try await db.insert(into: "accounts").columns("name", "created_at").values("Default account", now)
                        .returning("id").first(decodingColumn: "id", as: Int64.self)
                else { throw StorageError.missingInsertID(table: "accounts") }
                accountID = id
            }
            let name = systemDomainName.lowercased()
            let systemID: Int64
            if let existing = try await db.select().column("id").from("domains")
                .where("type", .equal, DomainType.system.rawValue).orderBy("id").limit(1)
                .first(decodingColumn: "id", as: Int64.self)
            {
                try await db.update("domains").set("name", to: name).where("id", .equal, existing).run()
                systemID = existing
            } else {
                guard
                    let id = try await db.insert(into: "domains").columns("account_id", "name", "type", "created_at")
                        .values(Int64?.none, name, DomainType.system.rawValue, now)
                        .returning("id").first(decodingColumn: "id", as: Int64.self)
                else { throw StorageError.missingInsertID(table: "domains") }
                systemID = id
            }
            return Defaults(accountID: accountID, systemDomain: Domain(id: systemID, accountID: nil, name: name, type: .system))
        }
    }
}
