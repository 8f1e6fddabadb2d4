extension Migration {
    /// SQLite's text index (FTS5) merges its segments as links are written. With its default of merging every 4
    /// segments of a level, creating links in batches of 100 on a million-link index stalled for about 4 s every few
    /// thousand links (a merge of large segments inside one commit): 5,000 rows/s in all against 13,300 with 8, and
    /// searches read the same (45 ms to count a third of a million matches either way). Measured with the `sqlite3`
    /// Python module on a copy of `scripts/bench-scale`'s data, 80,000 rows, 100 a transaction.
    /// PostgreSQL's trigram index takes new rows in its pending list and needs nothing.
    static let m020TextIndexMerging = Migration(version: 20, name: "text index merges every 8 segments") { names in
        names.kind == .sqlite ? ["INSERT INTO datapoints_text (datapoints_text, rank) VALUES ('automerge', 8)"] : []
    }
}
