extension Migration {
    /// PostgreSQL announces, at commit, the changes that other nodes hold in memory (`ChangeListener`): a key's row by
    /// its public id, the links a statement wrote by domain and name, and a change of any account list (blacklists,
    /// whitelists, scripts, goals, domains: `list_versions`). Triggers announce them, so every writer does (the API,
    /// the dashboard, the CLI, an import, SQL by hand), and a rolled-back change is never announced.
    ///
    /// Links are announced per statement from its transition tables: one notification for a batch of 100, and for a
    /// statement whose names would pass PostgreSQL's 8,000-byte payload only that links changed (`*`), which a node
    /// answers by reading the recent changes by time. A key's last use (written on every request) is not announced.
    /// SQLite is one node: nothing to announce.
    static let m024ChangeNotifications = Migration(version: 24, name: "changes announced to other nodes") { dialect in
        guard dialect.kind == .postgres else { return [] }
        let keyColumns = [
            "account_id", "public_id", "name", "secret_hash", "scopes", "group_ids", "allowed_networks", "rate_per_second", "burst",
            "expires_at", "status", "previous_secret_hash", "previous_valid_until", "revoked_at", "guest_id",
        ].joined(separator: ", ")
        return [
            """
            CREATE FUNCTION clicktally_announce_key() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('\(changeChannel)', 'key ' || COALESCE(NEW.public_id, OLD.public_id));
                IF TG_OP = 'UPDATE' AND NEW.public_id IS DISTINCT FROM OLD.public_id THEN
                    PERFORM pg_notify('\(changeChannel)', 'key ' || OLD.public_id);
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER api_keys_announce AFTER INSERT OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION clicktally_announce_key()",
            """
            CREATE TRIGGER api_keys_announce_update AFTER UPDATE OF \(keyColumns) ON api_keys FOR EACH ROW \
            EXECUTE FUNCTION clicktally_announce_key()
            """,
            """
            CREATE FUNCTION clicktally_announce_links() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE names text;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    SELECT string_agg(domain_id || '/' || name, E'\\n') INTO names FROM after_rows;
                ELSIF TG_OP = 'DELETE' THEN
                    SELECT string_agg(domain_id || '/' || name, E'\\n') INTO names FROM before_rows;
                ELSE
                    SELECT string_agg(link, E'\\n') INTO names FROM (
                        SELECT domain_id || '/' || name AS link FROM after_rows UNION SELECT domain_id || '/' || name FROM before_rows
                    ) AS links;
                END IF;
                IF names IS NOT NULL THEN
                    PERFORM pg_notify('\(changeChannel)', CASE WHEN octet_length(names) > 7000 THEN 'links *' ELSE 'links ' || names END);
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER datapoints_announce_insert AFTER INSERT ON datapoints REFERENCING NEW TABLE AS after_rows \
            FOR EACH STATEMENT EXECUTE FUNCTION clicktally_announce_links()
            """,
            """
            CREATE TRIGGER datapoints_announce_update AFTER UPDATE ON datapoints REFERENCING OLD TABLE AS before_rows \
            NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION clicktally_announce_links()
            """,
            """
            CREATE TRIGGER datapoints_announce_delete AFTER DELETE ON datapoints REFERENCING OLD TABLE AS before_rows \
            FOR EACH STATEMENT EXECUTE FUNCTION clicktally_announce_links()
            """,
            """
            CREATE FUNCTION clicktally_announce_lists() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('\(changeChannel)', 'lists');
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER list_versions_announce AFTER INSERT OR UPDATE OR DELETE ON list_versions \
            FOR EACH STATEMENT EXECUTE FUNCTION clicktally_announce_lists()
            """,
        ]
    }

    /// The channel of `m024ChangeNotifications` (`ChangeListener` listens on it).
    public static let changeChannel = "clicktally_changes"
}
