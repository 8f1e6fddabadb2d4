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

    static func domain(from row: any SQLRow) throws -> Domain {
        guard let type = DomainType(rawValue: try row.decode(column: "type", as: Int.self)) else {
            throw StorageError.corruptRow(table: "domains")
        }
        return Domain(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64?.self),
            name: try row.decode(column: "name", as: String.self), type: type)
    }
}
