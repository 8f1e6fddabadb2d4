extension Migration {
    /// Per-account lists: addresses whose visits are not recorded, and domains a dynamic destination may go to.
    static let m003AccountLists = Migration(version: 3, name: "account lists") { dialect in
        [
            """
            CREATE TABLE ip_blacklist (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                ip TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (account_id, ip)
            )
            """,
            """
            CREATE TABLE domain_whitelist (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                UNIQUE (account_id, name)
            )
            """,
        ]
    }
}
