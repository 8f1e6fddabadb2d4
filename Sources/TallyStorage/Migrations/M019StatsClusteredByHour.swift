extension Migration {
    /// Statistics over a whole account read the frame's roll-up rows of every active link (70,000 rows for a week of
    /// 10,000 links) and check each link against the filter. On SQLite both reads went row by row through an index into
    /// the table: a rowid lookup per roll-up row (most of a summary's 130 ms, in page reads) and one per datapoint.
    /// - SQLite keeps `stats_hourly` clustered by (kind, hour, entity) (`WITHOUT ROWID`), so a frame is one contiguous
    ///   range; an index by (kind, entity, hour) serves one entity's series (the writer's upsert names the same columns,
    ///   which the primary key already makes unique, in another order). The table had
    ///   three b-trees (rows, primary key, hour index) and now has two, so a roll-up write touches fewer pages too.
    /// - Both engines: the account's id order carries the group, so checking a datapoint against the filter (account,
    ///   status, type, group) and reading its group take the index alone.
    static let m019StatsClusteredByHour = Migration(version: 19, name: "roll-ups clustered by hour, account index covers the group") {
        dialect in
        let account = [
            "DROP INDEX datapoints_account_id",
            "CREATE INDEX datapoints_account_id ON datapoints (account_id, id, status, type, group_id)",
        ]
        guard dialect.kind == .sqlite else { return account }
        let counters = rollupCounterDefinitions
        let columns = "entity_kind, entity_id, hour_ms, " + StatsRebuildSQL.counterColumns
        return account + [
            """
            CREATE TABLE stats_hourly_by_hour (
                entity_kind INTEGER NOT NULL,
                entity_id BIGINT NOT NULL,
                hour_ms BIGINT NOT NULL,
                \(counters),
                PRIMARY KEY (entity_kind, hour_ms, entity_id)
            ) WITHOUT ROWID
            """,
            "INSERT INTO stats_hourly_by_hour (\(columns)) SELECT \(columns) FROM stats_hourly ORDER BY entity_kind, hour_ms, entity_id",
            "DROP TABLE stats_hourly",
            "ALTER TABLE stats_hourly_by_hour RENAME TO stats_hourly",
            "CREATE UNIQUE INDEX stats_hourly_entity ON stats_hourly (entity_kind, entity_id, hour_ms)",
        ]
    }
}
