extension Migration {
    /// SQLite's text index learns where each value ends, so two-character searches use it too.
    ///
    /// The trigram index answers needles of three characters or more; a two-character needle read every row of the
    /// account with LIKE (208 ms on a million links). Every occurrence of a two-character needle starts a trigram of
    /// the value, except one at the value's very end. Each value is now indexed with one character after it that no
    /// value holds (U+FFFF, a noncharacter, taken out of values and needles), so that occurrence too starts a trigram, and the
    /// needle's matches are the rows of the terms that start with it: `datapoints_text_terms` (fts5vocab) lists them
    /// from the index's term order. The index keeps external content: only the triggers and this backfill write it, and
    /// nothing reads the content through it. Backfilling a million links took 18 s on this machine.
    static let m021TextIndexEnds = Migration(version: 21, name: "text index marks where values end") { names in
        guard names.kind == .sqlite else { return [] }
        func values(_ row: String) -> String {
            ["name", "title", "notes", "destination_url"].map { "replace(\(row).\($0), \(Self.textEnd), '') || \(Self.textEnd)" }
                .joined(separator: ", ")
        }
        return [
            "DROP TRIGGER datapoints_text_insert",
            "DROP TRIGGER datapoints_text_delete",
            "DROP TRIGGER datapoints_text_update",
            "INSERT INTO datapoints_text (datapoints_text) VALUES ('delete-all')",
            """
            INSERT INTO datapoints_text (rowid, name, title, notes, destination_url) SELECT id, \(values("datapoints")) FROM datapoints
            """,
            """
            CREATE TRIGGER datapoints_text_insert AFTER INSERT ON datapoints BEGIN \
            INSERT INTO datapoints_text (rowid, name, title, notes, destination_url) VALUES (NEW.id, \(values("NEW"))); END
            """,
            """
            CREATE TRIGGER datapoints_text_delete AFTER DELETE ON datapoints BEGIN \
            INSERT INTO datapoints_text (datapoints_text, rowid, name, title, notes, destination_url) \
            VALUES ('delete', OLD.id, \(values("OLD"))); END
            """,
            """
            CREATE TRIGGER datapoints_text_update AFTER UPDATE OF name, title, notes, destination_url ON datapoints \
            WHEN OLD.name IS NOT NEW.name OR OLD.title IS NOT NEW.title OR OLD.notes IS NOT NEW.notes OR OLD.destination_url IS NOT NEW.destination_url BEGIN \
            INSERT INTO datapoints_text (datapoints_text, rowid, name, title, notes, destination_url) VALUES ('delete', OLD.id, \(values("OLD"))); \
            INSERT INTO datapoints_text (rowid, name, title, notes, destination_url) VALUES (NEW.id, \(values("NEW"))); END
            """,
            "CREATE VIRTUAL TABLE datapoints_text_terms USING fts5vocab(datapoints_text, 'row')",
        ]
    }

    /// The character after every indexed value, and only there: taken out of the values themselves, so three of them
    /// in a row are never indexed (a NULL destination stays NULL).
    static let textEnd = "char(65535)"
}
