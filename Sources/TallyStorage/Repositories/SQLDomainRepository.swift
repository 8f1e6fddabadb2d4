import SQLKit
import TallyCore

public struct SQLDomainRepository: DomainRepository {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public func all() async throws -> [Domain] {
        try await database.read { db in
            try await db.select().columns("id", "account_id", "name", "type").from("domains").orderBy("id")
                .all().map(Self.domain(from:))
        }
    }

    /// One account's domains (`nil`: those of no account, the system domain's row).
    public func all(accountID: Int64?) async throws -> [Domain] {
        try await database.read { db in
            let query = db.select().columns("id", "account_id", "name", "type").from("domains")
            if let accountID { query.where("account_id", .equal, accountID) } else { query.where("account_id", .is, SQLLiteral.null) }
            return try await query.orderBy("id").all().map(Self.domain(from:))
        }
    }

    /// A dedicated or personal domain of an account: a host name (with a port only for local testing), lower case.
    public func create(accountID: Int64, name: String, type: DomainType, now: Int64) async throws -> Domain {
        let name = try Self.validateName(name)
        guard type == .dedicated || type == .personal else {
            throw ValidationError(field: "Type", code: "domain_type_invalid", message: "an account's domain is dedicated or personal")
        }
        return try await database.transaction { db in
            if try await db.select().column("id").from("domains").where("name", .equal, name).first() != nil {
                throw ValidationError(field: "Name", code: "domain_taken", message: "the domain \(name) is already configured")
            }
            guard
                let id = try await db.insert(into: "domains").columns("account_id", "name", "type", "created_at")
                    .values(accountID, name, type.rawValue, now).returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: "domains") }
            return Domain(id: id, accountID: accountID, name: name, type: type)
        }
    }

    /// Removes an account's domain that no datapoint was ever created on (names on it must stay unique for ever).
    public func delete(id: Int64) async throws {
        try await database.transaction { db in
            if try await db.select().column("id").from("datapoints").where("domain_id", .equal, id).limit(1).first() != nil {
                throw ValidationError(field: "Id", code: "domain_in_use", message: "the domain has datapoints; it cannot be removed")
            }
            try await db.delete(from: "domains").where("id", .equal, id).run()
        }
    }

    public static func validateName(_ name: String) throws(ValidationError) -> String {
        let name = name.trimmingSpaces.lowercased()
        let host = name.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let hostOK =
            host.count >= 1 && host[0].count <= 253 && host[0].contains(".")
            && host[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
            }
        let portOK = host.count == 1 || (host.count == 2 && (UInt16(host[1]).map { $0 > 0 } ?? false))
        guard hostOK, portOK else {
            throw ValidationError(field: "Name", code: "domain_name_invalid", message: "Name must be a host name such as go.example.com")
        }
        return name
    }

    static func domain(from row: any SQLRow) throws -> Domain {
        guard let type = DomainType(rawValue: try row.decode(column: "type", as: Int.self)) else {
            throw StorageError.corruptRow(table: "domains")
        }
        return Domain(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64?.self),
            name: try row.decode(column: "name", as: String.self), type: type)
    }
}
