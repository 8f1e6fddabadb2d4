extension Migration {
    /// Key lifecycle rules per account (`KeyPolicy`): maximum age with warnings, expiry at it, stale keys flagged or
    /// disabled. Keys learn when their current secret was made (backfilled from the last rotation in the audit log, else
    /// creation) and when an administrator last enabled them; `key_notices` records each notice the sweeper acted on, so
    /// every node agrees it was sent once (its primary key is the claim).
    static let m027KeyPolicy = Migration(version: 27, name: "key rotation policy and stale keys") { _ in
        [
            "ALTER TABLE accounts ADD COLUMN key_max_age_days INTEGER",
            "ALTER TABLE accounts ADD COLUMN key_warning_days TEXT NOT NULL DEFAULT '14,7,1'",
            "ALTER TABLE accounts ADD COLUMN key_expire_at_max_age BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE accounts ADD COLUMN key_stale_days INTEGER",
            "ALTER TABLE accounts ADD COLUMN key_disable_stale BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE api_keys ADD COLUMN secret_created_at BIGINT",
            "ALTER TABLE api_keys ADD COLUMN enabled_at BIGINT",
            """
            UPDATE api_keys SET secret_created_at = COALESCE(
                (SELECT MAX(audit_log.created_at) FROM audit_log WHERE audit_log.key_id = api_keys.id AND audit_log.event = 'rotated'),
                api_keys.created_at)
            """,
            """
            CREATE TABLE key_notices (
                key_id BIGINT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
                marker TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (key_id, marker)
            )
            """,
        ]
    }
}
