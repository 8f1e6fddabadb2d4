extension Migration {
    /// What lets an account with a million datapoints be listed, counted, searched and sorted in milliseconds:
    /// - an index per order a list can ask for (id, name, title, creation), each led by the account;
    /// - `datapoint_counts`, kept by triggers on every write (the API's, the importer's, SQL by hand), so a count
    ///   narrowed only by status, type and group sums a few rows instead of reading the account;
    /// - a substring index over name, title, notes and destination: SQLite's FTS5 with its trigram tokenizer
    ///   (`datapoints_text`, external content kept by triggers), PostgreSQL's `pg_trgm` (a GIN index on one
    ///   expression; where the extension cannot be created the search still works, by reading the account's rows).
    static let m014DatapointQueries = Migration(version: 14, name: "datapoint list indexes, counters and text search") { dialect in
        var statements = [
            "DROP INDEX datapoints_account",
            "CREATE INDEX datapoints_account_id ON datapoints (account_id, id)",
            "CREATE INDEX datapoints_account_status ON datapoints (account_id, status, id)",
            "CREATE INDEX datapoints_account_name ON datapoints (account_id, lower(name), id)",
            "CREATE INDEX datapoints_account_title ON datapoints (account_id, lower(title), id)",
            "CREATE INDEX datapoints_account_created ON datapoints (account_id, created_at, id)",
            "CREATE INDEX datapoints_group ON datapoints (group_id, id)",
            "CREATE INDEX datapoints_favourite ON datapoints (account_id, id) WHERE is_favourite",
            """
            CREATE TABLE datapoint_counts (
                account_id BIGINT NOT NULL,
                group_id BIGINT NOT NULL,
                status INTEGER NOT NULL,
                type INTEGER NOT NULL,
                n BIGINT NOT NULL,
                PRIMARY KEY (account_id, group_id, status, type)
            )
            """,
            """
            INSERT INTO datapoint_counts (account_id, group_id, status, type, n)
            SELECT account_id, COALESCE(group_id, 0), status, type, COUNT(*) FROM datapoints GROUP BY account_id, COALESCE(group_id, 0), status, type
            """,
        ]
        switch dialect.kind {
        case .sqlite: statements += sqliteTriggers
        case .postgres: statements += postgresTriggers
        }
        return statements
    }

    /// The counter a datapoint row adds to (`NEW`) or leaves (`OLD`).
    private static func counterAdd(_ row: String) -> String {
        """
        INSERT INTO datapoint_counts (account_id, group_id, status, type, n) VALUES (\(row).account_id, COALESCE(\(row).group_id, 0), \
        \(row).status, \(row).type, 1) ON CONFLICT (account_id, group_id, status, type) DO UPDATE SET n = datapoint_counts.n + 1;
        """
    }

    private static func counterRemove(_ row: String) -> String {
        """
        UPDATE datapoint_counts SET n = n - 1 WHERE account_id = \(row).account_id AND group_id = COALESCE(\(row).group_id, 0) \
        AND status = \(row).status AND type = \(row).type;
        """
    }

    private static let counted = "OLD.status <> NEW.status OR COALESCE(OLD.group_id, 0) <> COALESCE(NEW.group_id, 0)"

    private static let sqliteTriggers = [
        "CREATE TRIGGER datapoint_counts_insert AFTER INSERT ON datapoints BEGIN \(counterAdd("NEW")) END",
        "CREATE TRIGGER datapoint_counts_delete AFTER DELETE ON datapoints BEGIN \(counterRemove("OLD")) END",
        """
        CREATE TRIGGER datapoint_counts_update AFTER UPDATE OF status, group_id ON datapoints WHEN \(counted) \
        BEGIN \(counterRemove("OLD")) \(counterAdd("NEW")) END
        """,
        """
        CREATE VIRTUAL TABLE datapoints_text USING fts5(name, title, notes, destination_url, content='datapoints', content_rowid='id', \
        tokenize='trigram')
        """,
        "INSERT INTO datapoints_text (datapoints_text) VALUES ('rebuild')",
        """
        CREATE TRIGGER datapoints_text_insert AFTER INSERT ON datapoints BEGIN \
        INSERT INTO datapoints_text (rowid, name, title, notes, destination_url) VALUES (NEW.id, NEW.name, NEW.title, NEW.notes, NEW.destination_url); END
        """,
        """
        CREATE TRIGGER datapoints_text_delete AFTER DELETE ON datapoints BEGIN \
        INSERT INTO datapoints_text (datapoints_text, rowid, name, title, notes, destination_url) \
        VALUES ('delete', OLD.id, OLD.name, OLD.title, OLD.notes, OLD.destination_url); END
        """,
        """
        CREATE TRIGGER datapoints_text_update AFTER UPDATE OF name, title, notes, destination_url ON datapoints \
        WHEN OLD.name IS NOT NEW.name OR OLD.title IS NOT NEW.title OR OLD.notes IS NOT NEW.notes OR OLD.destination_url IS NOT NEW.destination_url BEGIN \
        INSERT INTO datapoints_text (datapoints_text, rowid, name, title, notes, destination_url) \
        VALUES ('delete', OLD.id, OLD.name, OLD.title, OLD.notes, OLD.destination_url); \
        INSERT INTO datapoints_text (rowid, name, title, notes, destination_url) VALUES (NEW.id, NEW.name, NEW.title, NEW.notes, NEW.destination_url); END
        """,
    ]

    /// On PostgreSQL the counters are kept per statement, from its transition tables: a row trigger would update the same
    /// counter row once per inserted row, and one transaction inserting a million rows (an import, SQL by hand) would
    /// leave a million versions of it to walk.
    private static let postgresTriggers = [
        """
        CREATE FUNCTION datapoint_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO datapoint_counts (account_id, group_id, status, type, n)
            SELECT account_id, COALESCE(group_id, 0), status, type, COUNT(*) FROM inserted GROUP BY 1, 2, 3, 4
            ON CONFLICT (account_id, group_id, status, type) DO UPDATE SET n = datapoint_counts.n + excluded.n;
            RETURN NULL;
        END $$
        """,
        """
        CREATE FUNCTION datapoint_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE datapoint_counts c SET n = c.n - r.n
            FROM (SELECT account_id, COALESCE(group_id, 0) AS group_id, status, type, COUNT(*) AS n FROM removed GROUP BY 1, 2, 3, 4) r
            WHERE c.account_id = r.account_id AND c.group_id = r.group_id AND c.status = r.status AND c.type = r.type;
            RETURN NULL;
        END $$
        """,
        """
        CREATE FUNCTION datapoint_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE datapoint_counts c SET n = c.n - r.n
            FROM (SELECT o.account_id, COALESCE(o.group_id, 0) AS group_id, o.status, o.type, COUNT(*) AS n
                  FROM before_rows o JOIN after_rows a ON a.id = o.id
                  WHERE o.status <> a.status OR COALESCE(o.group_id, 0) <> COALESCE(a.group_id, 0) GROUP BY 1, 2, 3, 4) r
            WHERE c.account_id = r.account_id AND c.group_id = r.group_id AND c.status = r.status AND c.type = r.type;
            INSERT INTO datapoint_counts (account_id, group_id, status, type, n)
            SELECT a.account_id, COALESCE(a.group_id, 0), a.status, a.type, COUNT(*) FROM before_rows o JOIN after_rows a ON a.id = o.id
            WHERE o.status <> a.status OR COALESCE(o.group_id, 0) <> COALESCE(a.group_id, 0) GROUP BY 1, 2, 3, 4
            ON CONFLICT (account_id, group_id, status, type) DO UPDATE SET n = datapoint_counts.n + excluded.n;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER datapoint_counts_insert AFTER INSERT ON datapoints REFERENCING NEW TABLE AS inserted \
        FOR EACH STATEMENT EXECUTE FUNCTION datapoint_counts_insert()
        """,
        """
        CREATE TRIGGER datapoint_counts_delete AFTER DELETE ON datapoints REFERENCING OLD TABLE AS removed \
        FOR EACH STATEMENT EXECUTE FUNCTION datapoint_counts_delete()
        """,
        """
        CREATE TRIGGER datapoint_counts_update AFTER UPDATE ON datapoints REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows \
        FOR EACH STATEMENT EXECUTE FUNCTION datapoint_counts_update()
        """,
        // A sub-transaction: where pg_trgm is not installed or may not be created, the migration goes on without it.
        """
        DO $$ BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
            CREATE INDEX datapoints_text ON datapoints USING gin ((\(postgresSearchText)) gin_trgm_ops);
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'pg_trgm is not available: text search reads the account''s datapoints';
        END $$
        """,
    ]

    /// The one expression PostgreSQL's text index holds and the search compares with (they must be identical).
    public static let postgresSearchText =
        "lower(name || chr(10) || title || chr(10) || notes || chr(10) || COALESCE(destination_url, ''))"
}
