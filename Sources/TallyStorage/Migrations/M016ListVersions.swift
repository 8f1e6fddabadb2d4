extension Migration {
    /// What each node keeps in memory from the database besides links (IP blacklists, domain whitelists, retargeting
    /// scripts, the links that lead to conversion goals, domains), versioned per account and list by triggers, so the
    /// once-a-second refresh reads one row when nothing changed and only the changed account's list when something did.
    /// - `list_versions (list, account_id) → version`: bumped by every insert, update and delete of the list's rows
    ///   (the API's, the importer's, SQL by hand);
    /// - `list_epoch`: one row bumped with any of them: the refresher reads it first and stops there when it is unchanged.
    /// Versions are compared for equality, never ordered, so a transaction that commits late is not missed: its bump
    /// changes the epoch again and the next refresh sees it.
    static let m016ListVersions = Migration(version: 16, name: "versions of the lists kept in memory") { dialect in
        var statements = [
            """
            CREATE TABLE list_versions (
                list TEXT NOT NULL,
                account_id BIGINT NOT NULL,
                version BIGINT NOT NULL,
                PRIMARY KEY (list, account_id)
            )
            """,
            "CREATE TABLE list_epoch (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)",
            "INSERT INTO list_epoch (id, n) VALUES (1, 0)",
        ]
        switch dialect.kind {
        case .sqlite: statements += listTables.flatMap(sqliteListTriggers)
        case .postgres: statements += [postgresListFunction] + listTables.map(postgresListTrigger)
        }
        return statements
    }

    /// A table whose rows a node keeps in memory, the list it belongs to, and the account of a row (`NEW` or `OLD`).
    private struct ListTable {
        let table: String
        let list: String
        let account: @Sendable (_ row: String) -> String
    }

    private static let listTables = [
        ListTable(table: "ip_blacklist", list: "ip_blacklist") { "\($0).account_id" },
        ListTable(table: "domain_whitelist", list: "domain_whitelist") { "\($0).account_id" },
        ListTable(table: "retargeting_scripts", list: "retargeting_scripts") { "\($0).account_id" },
        ListTable(table: "domains", list: "domains") { "COALESCE(\($0).account_id, 0)" },
        ListTable(table: "conversions", list: "conversion_links") { "\($0).account_id" },
        ListTable(table: "conversion_datapoints", list: "conversion_links") {
            "COALESCE((SELECT account_id FROM conversions WHERE id = \($0).conversion_id), 0)"
        },
    ]

    private static func bump(_ list: String, account: String) -> String {
        """
        INSERT INTO list_versions (list, account_id, version) VALUES ('\(list)', \(account), 1) \
        ON CONFLICT (list, account_id) DO UPDATE SET version = list_versions.version + 1; \
        UPDATE list_epoch SET n = n + 1 WHERE id = 1;
        """
    }

    private static func sqliteListTriggers(_ table: ListTable) -> [String] {
        [("insert", "INSERT", "NEW"), ("update", "UPDATE", "NEW"), ("delete", "DELETE", "OLD")].map { name, event, row in
            "CREATE TRIGGER list_versions_\(table.table)_\(name) AFTER \(event) ON \(table.table) BEGIN \(bump(table.list, account: table.account(row))) END"
        }
    }

    /// One function for every table: the list is the trigger's argument, the account read from the row as JSON (or,
    /// for a goal's links, from the goal).
    private static let postgresListFunction = """
        CREATE FUNCTION list_versions_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            changed jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
            account BIGINT;
        BEGIN
            IF TG_TABLE_NAME = 'conversion_datapoints' THEN
                SELECT account_id INTO account FROM conversions WHERE id = (changed->>'conversion_id')::BIGINT;
            ELSE
                account := COALESCE((changed->>'account_id')::BIGINT, 0);
            END IF;
            INSERT INTO list_versions (list, account_id, version) VALUES (TG_ARGV[0], COALESCE(account, 0), 1)
                ON CONFLICT (list, account_id) DO UPDATE SET version = list_versions.version + 1;
            UPDATE list_epoch SET n = n + 1 WHERE id = 1;
            RETURN NULL;
        END
        $$
        """

    private static func postgresListTrigger(_ table: ListTable) -> String {
        """
        CREATE TRIGGER list_versions_\(table.table) AFTER INSERT OR UPDATE OR DELETE ON \(table.table) \
        FOR EACH ROW EXECUTE FUNCTION list_versions_bump('\(table.list)')
        """
    }
}
