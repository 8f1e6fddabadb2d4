extension Migration {
    /// A bounded usage log: refused requests that name no key are counted per minute and status instead of stored one
    /// row each (a flood of bad keys cannot fill the disk), and a time index lets old rows be pruned in small batches.
    static let m010RequestLogBounds = Migration(version: 10, name: "unauthenticated failures counted, usage log retention") { _ in
        [
            """
            CREATE TABLE api_failures (
                minute_ms BIGINT NOT NULL,
                status INTEGER NOT NULL,
                count BIGINT NOT NULL,
                PRIMARY KEY (minute_ms, status)
            )
            """,
            "CREATE INDEX api_requests_time ON api_requests (time_ms)",
        ]
    }
}
