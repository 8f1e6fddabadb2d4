extension Migration {
    /// API keys (only a hash of each secret), their usage log, anomaly alerts and the audit log of key events.
    static let m002APIKeys = Migration(version: 2, name: "api keys") { dialect in
        [
            """
            CREATE TABLE api_keys (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                public_id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                secret_hash TEXT NOT NULL,
                last_four TEXT NOT NULL,
                scopes TEXT NOT NULL,
                group_ids TEXT NOT NULL DEFAULT '',
                allowed_networks TEXT NOT NULL DEFAULT '',
                rate_per_second INTEGER NOT NULL,
                burst INTEGER NOT NULL,
                expires_at BIGINT,
                status INTEGER NOT NULL,
                previous_secret_hash TEXT,
                previous_valid_until BIGINT,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at BIGINT NOT NULL,
                revoked_at BIGINT,
                last_used_at BIGINT,
                last_used_ip TEXT
            )
            """,
            "CREATE INDEX api_keys_account ON api_keys (account_id)",
            "CREATE INDEX api_keys_updated ON api_keys (updated_at)",
            // One row per API request: never the key, only its id.
            """
            CREATE TABLE api_requests (
                id \(dialect.identity),
                account_id BIGINT,
                key_id BIGINT,
                time_ms BIGINT NOT NULL,
                method TEXT NOT NULL,
                route TEXT NOT NULL,
                status INTEGER NOT NULL,
                latency_us BIGINT NOT NULL,
                client_ip TEXT NOT NULL,
                key_in_query BOOLEAN NOT NULL,
                used_previous_secret BOOLEAN NOT NULL
            )
            """,
            "CREATE INDEX api_requests_key_time ON api_requests (key_id, time_ms)",
            """
            CREATE TABLE alerts (
                id \(dialect.identity),
                account_id BIGINT,
                key_id BIGINT,
                kind TEXT NOT NULL,
                message TEXT NOT NULL,
                client_ip TEXT NOT NULL DEFAULT '',
                created_at BIGINT NOT NULL,
                acknowledged_at BIGINT
            )
            """,
            "CREATE INDEX alerts_account ON alerts (account_id, created_at)",
            """
            CREATE TABLE audit_log (
                id \(dialect.identity),
                account_id BIGINT,
                key_id BIGINT,
                event TEXT NOT NULL,
                actor TEXT NOT NULL,
                client_ip TEXT NOT NULL DEFAULT '',
                details TEXT NOT NULL DEFAULT '',
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX audit_log_account ON audit_log (account_id, created_at)",
        ]
    }
}
