extension Migration {
    /// Background re-bucketing after a time-zone change: the accounts waiting for it (a lease says which node works on
    /// one), and a staging copy of `stats_daily` where the new local days are built in short transactions before one
    /// short swap replaces the account's rows. Entity ids are unique per kind, so accounts never meet in the staging table.
    static let m011StatsRebuckets = Migration(version: 11, name: "time-zone re-bucketing in the background") { _ in
        let counters = rollupCounterDefinitions
        return [
            """
            CREATE TABLE stats_rebuckets (
                account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
                requested_ms BIGINT NOT NULL,
                runner TEXT NOT NULL DEFAULT '',
                lease_until_ms BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE stats_daily_rebucket (
                entity_kind INTEGER NOT NULL,
                entity_id BIGINT NOT NULL,
                dimension INTEGER NOT NULL,
                day BIGINT NOT NULL,
                value TEXT NOT NULL,
                \(counters),
                PRIMARY KEY (entity_kind, entity_id, dimension, day, value)
            )
            """,
            "CREATE INDEX conversion_events_account_time ON conversion_events (account_id, time_ms)",
        ]
    }
}
