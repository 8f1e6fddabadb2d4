extension Migration {
    /// Event webhooks with a durable outbox:
    /// - `webhooks`: an account's endpoints (URL, subscribed events, the signing secret sealed at rest, enabled);
    /// - `webhook_outbox`: one row per event and endpoint, written in the transaction of the change where there is one,
    ///   delivered by any node (`next_attempt_at` doubles as a lease), retried with back-off for 24 hours; `subject`
    ///   orders deliveries (a link's events arrive in order);
    /// - `webhook_deliveries`: each attempt's status, response time and error (the delivery log).
    static let m028Webhooks = Migration(version: 28, name: "event webhooks and their outbox") { dialect in
        [
            """
            CREATE TABLE webhooks (
                id \(dialect.identity),
                account_id BIGINT NOT NULL REFERENCES accounts(id),
                url TEXT NOT NULL,
                secret TEXT NOT NULL,
                events TEXT NOT NULL,
                enabled BOOLEAN NOT NULL,
                created_at BIGINT NOT NULL,
                created_by TEXT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX webhooks_account ON webhooks (account_id)",
            """
            CREATE TABLE webhook_outbox (
                id \(dialect.identity),
                webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
                account_id BIGINT NOT NULL,
                event TEXT NOT NULL,
                subject TEXT NOT NULL,
                payload TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                next_attempt_at BIGINT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                state INTEGER NOT NULL DEFAULT 0,
                delivered_at BIGINT
            )
            """,
            "CREATE INDEX webhook_outbox_due ON webhook_outbox (state, next_attempt_at)",
            // The head of each queue (`claim`): the oldest pending message per webhook and subject, from the index alone.
            "CREATE INDEX webhook_outbox_queues ON webhook_outbox (state, webhook_id, subject, id)",
            """
            CREATE TABLE webhook_deliveries (
                id \(dialect.identity),
                outbox_id BIGINT NOT NULL REFERENCES webhook_outbox(id) ON DELETE CASCADE,
                webhook_id BIGINT NOT NULL,
                attempted_at BIGINT NOT NULL,
                status_code INTEGER NOT NULL,
                latency_ms INTEGER NOT NULL,
                error TEXT NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id)",
        ]
    }
}
