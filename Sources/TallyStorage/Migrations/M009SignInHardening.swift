extension Migration {
    /// Sign-in that cannot be brute-forced and dashboard roles: an attempt counter per subject (account, address,
    /// a user's second factor) consumed by one conditional UPDATE, so parallel attempts never pass the limit; a role
    /// for each dashboard user (existing users were all-powerful: they become owners); when a session last confirmed
    /// the password or a code (the "sudo" window for sensitive actions).
    static let m009SignInHardening = Migration(version: 9, name: "atomic sign-in attempt counters, dashboard roles, sudo confirmations") { _ in
        [
            """
            CREATE TABLE login_attempts (
                subject TEXT PRIMARY KEY,
                window_start BIGINT NOT NULL,
                attempts INTEGER NOT NULL
            )
            """,
            "ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'owner'",
            "ALTER TABLE dashboard_sessions ADD COLUMN confirmed_at BIGINT NOT NULL DEFAULT 0",
        ]
    }
}
