extension Migration {
    /// The roll-ups by hour across entities: statistics of the datapoints a query picks (a filter over a million
    /// links, a group, a guest's shares) read the frame's rows and join each to its datapoint, instead of probing every
    /// datapoint of the account for rows it mostly does not have.
    /// And the id order of an account's datapoints carries their status and type, so a deep page of the links that are
    /// not deleted (the dashboard's) skips the others inside the index instead of reading each row.
    static let m015StatsByHour = Migration(version: 15, name: "roll-ups indexed by hour, covering id order") { _ in
        [
            "CREATE INDEX stats_hourly_hour ON stats_hourly (entity_kind, hour_ms)",
            "DROP INDEX datapoints_account_id",
            "CREATE INDEX datapoints_account_id ON datapoints (account_id, id, status, type)",
        ]
    }
}
