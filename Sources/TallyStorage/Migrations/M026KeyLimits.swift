extension Migration {
    /// Limits users shape per key:
    /// - `rate_limits`: named limits beside the per-second one (`name:requests:seconds`, comma-separated; e.g. `daily:50000:86400`);
    /// - `usage_limited`, `usage_refill_amount`, `usage_refill_period`: a key with a number of requests to spend, set back to
    ///   the refill amount at the start of each UTC day or month when one is given;
    /// - `key_credits`: what such a key has left. Its own table, written by every request of the key in one conditional
    ///   UPDATE (exact across nodes), so that spending a credit neither touches `api_keys.updated_at` (other nodes' key
    ///   caches) nor fires the key's change announcement.
    ///
    /// `rate_buckets.rate` becomes fractional (a limit of 50,000 a day is 0.58 tokens a second; SQLite stores a REAL in
    /// the column as it is, PostgreSQL's column changes type). On PostgreSQL the key's announcement trigger learns the new
    /// columns.
    static let m026KeyLimits = Migration(version: 26, name: "usage-limited keys and several limits per key") { dialect in
        var statements = [
            "ALTER TABLE api_keys ADD COLUMN rate_limits TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE api_keys ADD COLUMN usage_limited BOOLEAN NOT NULL DEFAULT FALSE",
            "ALTER TABLE api_keys ADD COLUMN usage_refill_amount BIGINT",
            "ALTER TABLE api_keys ADD COLUMN usage_refill_period TEXT",
            """
            CREATE TABLE key_credits (
                key_id BIGINT PRIMARY KEY REFERENCES api_keys(id) ON DELETE CASCADE,
                remaining BIGINT NOT NULL,
                refilled_at BIGINT NOT NULL
            )
            """,
        ]
        if dialect.kind == .postgres {
            let keyColumns = [
                "account_id", "public_id", "name", "secret_hash", "scopes", "group_ids", "allowed_networks", "rate_per_second", "burst",
                "expires_at", "status", "previous_secret_hash", "previous_valid_until", "revoked_at", "guest_id", "rate_limits",
                "usage_limited", "usage_refill_amount", "usage_refill_period",
            ].joined(separator: ", ")
            statements += [
                "ALTER TABLE rate_buckets ALTER COLUMN rate TYPE DOUBLE PRECISION",
                "DROP TRIGGER api_keys_announce_update ON api_keys",
                """
                CREATE TRIGGER api_keys_announce_update AFTER UPDATE OF \(keyColumns) ON api_keys FOR EACH ROW \
                EXECUTE FUNCTION clicktally_announce_key()
                """,
            ]
        }
        return statements
    }
}
