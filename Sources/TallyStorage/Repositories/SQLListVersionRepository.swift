import SQLKit
import TallyCore

/// The versions of the lists each node keeps in memory, kept by triggers (migration 16).
public struct SQLListVersionRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Changed by every change to any of the lists: one row to read when nothing changed.
    public func epoch() async throws -> Int64 {
        try await database.read { db in
            try await db.select().column("n").from("list_epoch").where("id", .equal, 1).first(decodingColumn: "n", as: Int64.self) ?? 0
        }
    }

    /// Every (list, account) that ever changed, with its version.
    public func versions() async throws -> [ListVersionKey: Int64] {
        try await database.read { db in
            var versions: [ListVersionKey: Int64] = [:]
            for row in try await db.select().columns("list", "account_id", "version").from("list_versions").all() {
                guard let list = ListVersionKey.List(rawValue: try row.decode(column: "list", as: String.self)) else { continue }
                versions[ListVersionKey(list: list, accountID: try row.decode(column: "account_id", as: Int64.self))] =
                    try row.decode(column: "version", as: Int64.self)
            }
            return versions
        }
    }
}

/// One account's part of one list kept in memory (account 0: rows of no account, such as the system domain).
public struct ListVersionKey: Hashable, Sendable {
    public enum List: String, Sendable, CaseIterable {
        case ipBlacklist = "ip_blacklist"
        case domainWhitelist = "domain_whitelist"
        case retargetingScripts = "retargeting_scripts"
        case domains
        case conversionLinks = "conversion_links"
    }

    public let list: List
    public let accountID: Int64

    public init(list: List, accountID: Int64) {
        self.list = list
        self.accountID = accountID
    }
}
