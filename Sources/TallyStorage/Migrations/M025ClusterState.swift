extension Migration {
    /// State that several nodes must share instead of each keeping its own in memory:
    /// - `rate_buckets`: token buckets (a key's rate limit, an address's failed authentications) that nodes take
    ///   tokens from in small leases (`SQLRateBuckets`), so a limit holds for the cluster, not per node;
    /// - `rotator_positions`: each sequential or weighted rotator's next position, handed out in blocks
    ///   (`SQLRotatorPositions`), restarted when its destinations change (`fingerprint`);
    /// - `setup_tokens`: the first-run setup tokens' hashes, so the URL one node printed works on every node.
    static let m025ClusterState = Migration(version: 25, name: "state shared by every node") { _ in
        [
            """
            CREATE TABLE rate_buckets (
                name TEXT PRIMARY KEY,
                rate BIGINT NOT NULL,
                burst BIGINT NOT NULL,
                tokens DOUBLE PRECISION NOT NULL,
                updated_ms BIGINT NOT NULL,
                granted BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE rotator_positions (
                datapoint_id BIGINT PRIMARY KEY,
                fingerprint BIGINT NOT NULL,
                next_position BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE setup_tokens (
                token_hash TEXT PRIMARY KEY,
                created_ms BIGINT NOT NULL
            )
            """,
        ]
    }
}
