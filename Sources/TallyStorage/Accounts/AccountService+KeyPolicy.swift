import SQLKit
import TallyCore

extension AccountService {
    /// The account's key policy (`KeyPolicy.none` until set).
    public func keyPolicy(accountID: Int64) async throws -> KeyPolicy {
        try await database.read { db in
            guard
                let row = try await db.select()
                    .columns("key_max_age_days", "key_warning_days", "key_expire_at_max_age", "key_stale_days", "key_disable_stale")
                    .from("accounts").where("id", .equal, accountID).first()
            else { return .none }
            return try Self.policy(from: row)
        }
    }

    public func setKeyPolicy(_ policy: KeyPolicy, accountID: Int64) async throws {
        let policy = try policy.validated()
        try await database.transaction { db in
            try await db.update("accounts").set("key_max_age_days", to: policy.maxAgeDays)
                .set("key_warning_days", to: policy.warningDays.map(String.init).joined(separator: ","))
                .set("key_expire_at_max_age", to: policy.expireAtMaxAge).set("key_stale_days", to: policy.staleDays)
                .set("key_disable_stale", to: policy.disableStale).where("id", .equal, accountID).run()
        }
    }

    static func policy(from row: any SQLRow) throws -> KeyPolicy {
        KeyPolicy(
            maxAgeDays: try row.decode(column: "key_max_age_days", as: Int?.self),
            warningDays: try row.decode(column: "key_warning_days", as: String.self).split(separator: ",").compactMap { Int($0) },
            expireAtMaxAge: try row.decode(column: "key_expire_at_max_age", as: Bool.self),
            staleDays: try row.decode(column: "key_stale_days", as: Int?.self),
            disableStale: try row.decode(column: "key_disable_stale", as: Bool.self))
    }
}
