extension Migration {
    /// What importers brought in: which local object each source object became (`import_ledger`, so a second run
    /// updates instead of duplicating, and a run cut short resumes), with a digest of the source object to tell an
    /// unchanged one from a changed one; and the statistics history they brought (`stats_imported`), kept apart from
    /// the roll-ups it is added to so that rebuilding the roll-ups from the raw hits keeps it.
    static let m013Imports = Migration(version: 13, name: "import ledger and imported statistics") { _ in
        [
            """
            CREATE TABLE import_ledger (
                account_id BIGINT NOT NULL,
                source TEXT NOT NULL,
                kind TEXT NOT NULL,
                source_id TEXT NOT NULL,
                local_id BIGINT NOT NULL,
                digest TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                PRIMARY KEY (account_id, source, kind, source_id)
            )
            """,
            """
            CREATE TABLE stats_imported (
                account_id BIGINT NOT NULL,
                entity_kind INTEGER NOT NULL,
                entity_id BIGINT NOT NULL,
                hour_ms BIGINT NOT NULL,
                clicks BIGINT NOT NULL DEFAULT 0, views BIGINT NOT NULL DEFAULT 0, unique_clicks BIGINT NOT NULL DEFAULT 0,
                unique_views BIGINT NOT NULL DEFAULT 0, spider_clicks BIGINT NOT NULL DEFAULT 0, spider_views BIGINT NOT NULL DEFAULT 0,
                conversions BIGINT NOT NULL DEFAULT 0, unique_conversions BIGINT NOT NULL DEFAULT 0, converted_clicks BIGINT NOT NULL DEFAULT 0,
                conversion_value DOUBLE PRECISION NOT NULL DEFAULT 0, commission DOUBLE PRECISION NOT NULL DEFAULT 0,
                last_hit_ms BIGINT NOT NULL DEFAULT 0,
                PRIMARY KEY (entity_kind, entity_id, hour_ms)
            )
            """,
            "CREATE INDEX stats_imported_account ON stats_imported (account_id, hour_ms)",
        ]
    }
}
