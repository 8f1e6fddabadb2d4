extension Migration {
    /// Roll-ups per entity (account, datapoint, conversion) and UTC hour, and per entity, dimension and local day;
    /// conversion events; the account's time zone; hits keep their account and their click id. The old per-datapoint
    /// hourly counters are replaced, rebuilt from the raw hits (every account is on UTC until it says otherwise).
    static let m007Statistics = Migration(version: 7, name: "statistics roll-ups and conversion events") { dialect in
        let counters = rollupCounterDefinitions
        return [
            "ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC'",
            "ALTER TABLE hits ADD COLUMN account_id BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE hits ADD COLUMN click_id BIGINT NOT NULL DEFAULT 0",
            "UPDATE hits SET account_id = (SELECT d.account_id FROM datapoints d WHERE d.id = hits.datapoint_id)",
            "CREATE INDEX hits_account_time ON hits (account_id, time_ms)",
            "ALTER TABLE conversions ADD COLUMN attribution TEXT NOT NULL DEFAULT 'last'",
            """
            CREATE TABLE stats_hourly (
                entity_kind INTEGER NOT NULL,
                entity_id BIGINT NOT NULL,
                hour_ms BIGINT NOT NULL,
                \(counters),
                PRIMARY KEY (entity_kind, entity_id, hour_ms)
            )
            """,
            """
            CREATE TABLE stats_daily (
                entity_kind INTEGER NOT NULL,
                entity_id BIGINT NOT NULL,
                dimension INTEGER NOT NULL,
                day BIGINT NOT NULL,
                value TEXT NOT NULL,
                \(counters),
                PRIMARY KEY (entity_kind, entity_id, dimension, day, value)
            )
            """,
            // `is_unique`: the first event of this conversion for its click; `converts_click`: the click's first conversion.
            """
            CREATE TABLE conversion_events (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                conversion_id BIGINT NOT NULL REFERENCES conversions(id),
                datapoint_id BIGINT REFERENCES datapoints(id),
                click_id BIGINT NOT NULL DEFAULT 0,
                click_time_ms BIGINT NOT NULL DEFAULT 0,
                time_ms BIGINT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                commission DOUBLE PRECISION NOT NULL,
                parameters TEXT NOT NULL DEFAULT '',
                idempotency_key TEXT,
                origin TEXT NOT NULL,
                ip TEXT NOT NULL DEFAULT '',
                user_agent TEXT NOT NULL DEFAULT '',
                is_unique BOOLEAN NOT NULL,
                converts_click BOOLEAN NOT NULL,
                UNIQUE (conversion_id, idempotency_key)
            )
            """,
            "CREATE INDEX conversion_events_click ON conversion_events (click_id)",
            "CREATE INDEX conversion_events_conversion_time ON conversion_events (conversion_id, time_ms)",
        ] + Self.m007Rebuild(dialect)
            + ["DROP TABLE hit_rollups_hourly"]
    }

    /// Every account is on UTC when this step runs: one stretch, offset 0.
    static func m007Rebuild(_ dialect: SQLDialectNames) -> [String] {
        let sql = StatsRebuildSQL(kind: dialect.kind, accountID: nil, from: 0, to: Int64.max, offset: 0)
        return sql.hourlyStatements() + sql.dailyStatements()
    }
}

extension Migration {
    /// The counters of every roll-up table (`stats_hourly`, `stats_daily`, their staging and clustered copies).
    static let rollupCounterDefinitions = """
        clicks BIGINT NOT NULL DEFAULT 0, views BIGINT NOT NULL DEFAULT 0, unique_clicks BIGINT NOT NULL DEFAULT 0, \
        unique_views BIGINT NOT NULL DEFAULT 0, spider_clicks BIGINT NOT NULL DEFAULT 0, spider_views BIGINT NOT NULL DEFAULT 0, \
        conversions BIGINT NOT NULL DEFAULT 0, unique_conversions BIGINT NOT NULL DEFAULT 0, converted_clicks BIGINT NOT NULL DEFAULT 0, \
        conversion_value DOUBLE PRECISION NOT NULL DEFAULT 0, commission DOUBLE PRECISION NOT NULL DEFAULT 0, \
        last_hit_ms BIGINT NOT NULL DEFAULT 0
        """
}
