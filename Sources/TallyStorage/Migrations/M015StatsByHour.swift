extension Migration {
    /// The roll-ups by hour across entities: statistics of the datapoints a query picks (a filter over a million
    /// links, a group, a guest's shares) read the frame's rows and join each to its datapoint, instead of probing every
    /// datapoint of the account for rows it mostly does not have.
    static let m015StatsByHour = Migration(version: 15, name: "roll-ups indexed by hour") { _ in
        ["CREATE INDEX stats_hourly_hour ON stats_hourly (entity_kind, hour_ms)"]
    }
}
