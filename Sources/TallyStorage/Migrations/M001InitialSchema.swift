extension Migration {
    /// Accounts, users, domains, groups, tags, datapoints, hits and their hourly counters.
    /// Times are milliseconds since 1970 UTC in BIGINT columns: the same on both engines.
    static let m001InitialSchema = Migration(version: 1, name: "initial schema") { dialect in
        [
            """
            CREATE TABLE accounts (
                id \(dialect.identity),
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE users (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                email TEXT NOT NULL UNIQUE,
                password_hash TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE domains (
                id \(dialect.identity),
                account_id BIGINT REFERENCES accounts(id),
                name TEXT NOT NULL UNIQUE,
                type INTEGER NOT NULL,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE link_groups (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                notes TEXT NOT NULL DEFAULT '',
                is_favourite BOOLEAN NOT NULL DEFAULT FALSE,
                is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE tags (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                UNIQUE (account_id, name)
            )
            """,
            // The name is unique per domain for ever: deleting is a status, so the row (and its name) stays.
            """
            CREATE TABLE datapoints (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                domain_id BIGINT NOT NULL REFERENCES domains(id),
                type INTEGER NOT NULL,
                name TEXT NOT NULL,
                title TEXT NOT NULL DEFAULT '',
                notes TEXT NOT NULL DEFAULT '',
                is_favourite BOOLEAN NOT NULL DEFAULT FALSE,
                status INTEGER NOT NULL,
                group_id BIGINT REFERENCES link_groups(id),
                destination_url TEXT,
                redirect_type INTEGER NOT NULL,
                encode_ip BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (domain_id, name)
            )
            """,
            "CREATE INDEX datapoints_account ON datapoints (account_id, status)",
            "CREATE INDEX datapoints_updated ON datapoints (updated_at)",
            """
            CREATE TABLE datapoint_tags (
                tag_id BIGINT NOT NULL REFERENCES tags(id),
                datapoint_id BIGINT NOT NULL REFERENCES datapoints(id),
                PRIMARY KEY (tag_id, datapoint_id)
            )
            """,
            """
            CREATE TABLE group_tags (
                tag_id BIGINT NOT NULL REFERENCES tags(id),
                group_id BIGINT NOT NULL REFERENCES link_groups(id),
                PRIMARY KEY (tag_id, group_id)
            )
            """,
            """
            CREATE TABLE hits (
                id \(dialect.identity),
                datapoint_id BIGINT NOT NULL REFERENCES datapoints(id),
                time_ms BIGINT NOT NULL,
                kind INTEGER NOT NULL,
                ip TEXT NOT NULL,
                user_agent TEXT NOT NULL,
                referrer TEXT NOT NULL,
                accept_language TEXT NOT NULL,
                query TEXT NOT NULL,
                is_unique BOOLEAN NOT NULL,
                is_spider BOOLEAN NOT NULL,
                spider_reason TEXT
            )
            """,
            "CREATE INDEX hits_datapoint_time ON hits (datapoint_id, time_ms)",
            """
            CREATE TABLE hit_rollups_hourly (
                datapoint_id BIGINT NOT NULL REFERENCES datapoints(id),
                hour_ms BIGINT NOT NULL,
                total BIGINT NOT NULL,
                uniques BIGINT NOT NULL,
                spiders BIGINT NOT NULL,
                PRIMARY KEY (datapoint_id, hour_ms)
            )
            """,
            // When each address last hit each datapoint: the 30-minute unique-click window, shared by all nodes.
            """
            CREATE TABLE visitor_windows (
                datapoint_id BIGINT NOT NULL,
                ip TEXT NOT NULL,
                last_seen_ms BIGINT NOT NULL,
                PRIMARY KEY (datapoint_id, ip)
            )
            """,
            "CREATE INDEX visitor_windows_last_seen ON visitor_windows (last_seen_ms)",
        ]
    }
}
