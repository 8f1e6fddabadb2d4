import SQLKit
import TallyCore

/// The account as `/v2/account` and `/v2/account/plan` show it: its name, creation time, first user's e-mail and time
/// zone, and what it uses this month. (The SQL that the account routes need, kept with the rest of the SQL.)
public struct SQLAccountProfileRepository: Sendable {
    public struct Profile: Sendable, Equatable {
        public var name: String
        public var createdAt: Int64
        /// The e-mail of the account's first user ("" when it has none, as an imported account may not).
        public var email: String
        public var timeZone: String
    }

    public struct Usage: Sendable, Equatable {
        /// Datapoints that are not deleted.
        public var datapoints: Int64
        /// Clicks and views counted since the given time.
        public var events: Int64
    }

    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    /// Whether an account with this id exists.
    public func exists(accountID: Int64) async throws -> Bool {
        try await database.read { db in try await db.select().column("id").from("accounts").where("id", .equal, accountID).first() } != nil
    }

    public func profile(accountID: Int64) async throws -> Profile? {
        try await database.read { db in
            guard
                let account = try await db.select().columns("name", "created_at", "time_zone").from("accounts").where("id", .equal, accountID)
                    .first()
            else { return nil }
            let email = try await db.select().column("email").from("users").where("account_id", .equal, accountID).orderBy("id").limit(1)
                .first(decodingColumn: "email", as: String.self)
            return Profile(
                name: try account.decode(column: "name", as: String.self), createdAt: try account.decode(column: "created_at", as: Int64.self),
                email: email ?? "", timeZone: try account.decode(column: "time_zone", as: String.self))
        }
    }

    public func rename(accountID: Int64, to name: String) async throws {
        try await database.transaction { db in
            try await db.update("accounts").set("name", to: name).where("id", .equal, accountID).run()
        }
    }

    /// Live datapoints, and clicks plus views from the account's hourly roll-up since `since` (one indexed range).
    public func usage(accountID: Int64, since: Int64) async throws -> Usage {
        // SUM of BIGINT is NUMERIC on PostgreSQL: cast back, so both engines decode the same Int64.
        try await database.read { db in
            let datapoints = try await db.raw(
                "SELECT COUNT(*) AS n FROM datapoints WHERE account_id = \(bind: accountID) AND status <> \(bind: DatapointStatus.deleted.rawValue)"
            ).first(decodingColumn: "n", as: Int64.self)
            let events = try await db.raw(
                """
                SELECT CAST(COALESCE(SUM(clicks + views), 0) AS BIGINT) AS n FROM stats_hourly \
                WHERE entity_kind = \(bind: StatsEntity.account.rawValue) AND entity_id = \(bind: accountID) AND hour_ms >= \(bind: since)
                """
            ).first(decodingColumn: "n", as: Int64.self)
            return Usage(datapoints: datapoints ?? 0, events: events ?? 0)
        }
    }
}
