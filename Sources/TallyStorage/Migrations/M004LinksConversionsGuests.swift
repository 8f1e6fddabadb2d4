extension Migration {
    /// Link options (rotators, dynamic destination, frame, referrer cleaning), retargeting scripts, conversions and
    /// guests with their grants. Keys may belong to a guest, whose grants then bound what the key reaches.
    static let m004LinksConversionsGuests = Migration(version: 4, name: "link options, retargeting, conversions, guests") { dialect in
        [
            // JSON of `LinkOptions`; NULL for a plain redirect.
            "ALTER TABLE datapoints ADD COLUMN link_options TEXT",
            """
            CREATE TABLE retargeting_scripts (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                script TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE datapoint_scripts (
                script_id BIGINT NOT NULL REFERENCES retargeting_scripts(id),
                datapoint_id BIGINT NOT NULL REFERENCES datapoints(id),
                PRIMARY KEY (script_id, datapoint_id)
            )
            """,
            """
            CREATE TABLE conversions (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                notes TEXT NOT NULL DEFAULT '',
                value DOUBLE PRECISION NOT NULL DEFAULT 0,
                protocol INTEGER NOT NULL DEFAULT 0,
                is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX conversions_account ON conversions (account_id, is_deleted)",
            // A datapoint has at most five conversions (the wire's first…fifthConversionId), in the order attached.
            """
            CREATE TABLE conversion_datapoints (
                conversion_id BIGINT NOT NULL REFERENCES conversions(id),
                datapoint_id BIGINT NOT NULL REFERENCES datapoints(id),
                attached_at BIGINT NOT NULL,
                PRIMARY KEY (conversion_id, datapoint_id)
            )
            """,
            "CREATE INDEX conversion_datapoints_datapoint ON conversion_datapoints (datapoint_id)",
            """
            CREATE TABLE guests (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                user_name TEXT NOT NULL,
                notes TEXT NOT NULL DEFAULT '',
                allow_all_grants BOOLEAN NOT NULL DEFAULT FALSE,
                allow_group_creation BOOLEAN NOT NULL DEFAULT FALSE,
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                UNIQUE (account_id, user_name)
            )
            """,
            // verb: 'r' read or 'w' write (write implies read); entity_type: 'datapoint' or 'group'.
            """
            CREATE TABLE guest_grants (
                guest_id BIGINT NOT NULL REFERENCES guests(id),
                entity_type TEXT NOT NULL,
                entity_id BIGINT NOT NULL,
                verb TEXT NOT NULL,
                PRIMARY KEY (guest_id, entity_type, entity_id)
            )
            """,
            "ALTER TABLE api_keys ADD COLUMN guest_id BIGINT REFERENCES guests(id)",
        ]
    }
}
