extension Migration {
    /// PostgreSQL's two-character searches through an index of their own.
    ///
    /// `pg_trgm` cannot take a needle of two characters (a LIKE of `%zq%` read every row of the account: 419 ms on a
    /// million links). `clicktally_bigrams` lists every pair of adjacent characters of the searched text (GIN removes
    /// the repeats), and a GIN index over it answers "holds this pair" exactly; the LIKE stays as the check. On the
    /// million-link set the index took about a minute to build and 69 MB; a two-letter page takes 0.2-11 ms, and batch
    /// creation lost about a tenth of its rate (4,800-5,200 against 4,000-4,700 links/s). SQLite answers the same
    /// needles from its trigram index (migration 21).
    static let m022Bigrams = Migration(version: 22, name: "two-character text index (PostgreSQL)") { names in
        guard names.kind == .postgres else { return [] }
        return [
            """
            CREATE FUNCTION clicktally_bigrams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS \
            $$ SELECT COALESCE(array_agg(substr(t, i, 2)), '{}') FROM generate_series(1, length(t) - 1) AS i $$
            """,
            "CREATE INDEX datapoints_bigrams ON datapoints USING gin (clicktally_bigrams(\(postgresSearchText)))",
        ]
    }
}
