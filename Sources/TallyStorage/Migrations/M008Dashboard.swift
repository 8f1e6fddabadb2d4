extension Migration {
    /// The dashboard's sign-in: sessions (only a hash of the cookie's token is kept), failed sign-ins (the throttle
    /// counts them in the database so every node sees them), a user's TOTP secret and one-time recovery codes, an
    /// account's own alert webhook.
    static let m008Dashboard = Migration(version: 8, name: "dashboard sessions, two-factor sign-in, account webhooks") { dialect in
        [
            """
            CREATE TABLE dashboard_sessions (
                token_hash TEXT PRIMARY KEY,
                user_id BIGINT NOT NULL REFERENCES users(id),
                csrf_token TEXT NOT NULL,
                second_factor_done BOOLEAN NOT NULL,
                client_ip TEXT NOT NULL,
                flash TEXT,
                created_at BIGINT NOT NULL,
                expires_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX dashboard_sessions_user ON dashboard_sessions (user_id)",
            """
            CREATE TABLE login_failures (
                id \(dialect.identity),
                subject TEXT NOT NULL,
                time_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX login_failures_subject ON login_failures (subject, time_ms)",
            "ALTER TABLE users ADD COLUMN totp_secret TEXT",
            "ALTER TABLE users ADD COLUMN totp_pending_secret TEXT",
            "ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0",
            """
            CREATE TABLE recovery_codes (
                id \(dialect.identity),
                user_id BIGINT NOT NULL REFERENCES users(id),
                code_hash TEXT NOT NULL,
                used_at BIGINT
            )
            """,
            "CREATE INDEX recovery_codes_user ON recovery_codes (user_id)",
            // An account's own alert webhook (the dashboard's settings); --alert-webhook-url serves the others.
            "ALTER TABLE accounts ADD COLUMN alert_webhook_url TEXT",
            "ALTER TABLE accounts ADD COLUMN alert_webhook_secret TEXT",
        ]
    }
}
