import TallyCore

extension Migration {
    /// A group's hourly sums (`StatsEntity.group`), so a group's statistics read one row an hour instead of every member's
    /// rows: a week of the `aggregated/summary/groups` or `groups/aggregated` of an account with 10,000 active links read
    /// 69,628 rows and checked each link's group.
    ///
    /// The rows are their members' sums whatever the members' status, as a group's figures always were. They are summed
    /// here, kept by every roll-up write (`StatsUpserts.apply`, from each datapoint's group), recomputed by a rebuild,
    /// and moved by a trigger when a datapoint changes group, whoever changes it (the API, the dashboard, an import, SQL
    /// by hand). The link's rows are added to its new group's and taken from its old group's. Two things a subtraction
    /// cannot do are summed again from the members the old group has left, for those hours only: the last hit's time (a
    /// maximum) where the link had the group's last hit, and amounts (conversion value, commission), which a subtraction
    /// could leave a rounding off. An hour the link alone filled has its last hit, so it is summed again from nothing
    /// and its row goes. Summing every hour again instead cost 32 ms per link with a month of hours on the million-link
    /// set (3.2 s for 100 links in one statement). On PostgreSQL the trigger runs per statement over its transition
    /// tables and first takes `GroupRollupLock` exclusively.
    static let m023GroupRollups = Migration(version: 23, name: "roll-ups per group") { dialect in
        ["DELETE FROM stats_hourly WHERE entity_kind = \(group)", StatsRebuildSQL.groupTotalsStatement(accountID: nil)]
            + (dialect.kind == .sqlite ? [groupMoveSQLiteTrigger] : groupMovePostgresTrigger)
    }

    private static let groupColumns = "entity_kind, entity_id, hour_ms, \(StatsRebuildSQL.counterColumns)"
    private static let upsertAdding = StatsRebuildSQL.adding("entity_kind, entity_id, hour_ms", table: "stats_hourly")
    private static let datapoint = StatsEntity.datapoint.rawValue
    private static let group = StatsEntity.group.rawValue

    private static let subtracted = StatsRebuildSQL.counterNames.filter { $0 != "last_hit_ms" }

    /// `column = target.column - m.column` for every counter but the last hit's time.
    private static func subtracting(from target: String) -> String {
        subtracted.map { "\($0) = \(target).\($0) - m.\($0)" }.joined(separator: ", ")
    }

    /// Whether the old group's row `g` must be summed again for the moved rows `m` of that hour.
    private static let needsSumming = "(m.conversion_value <> 0 OR m.commission <> 0 OR m.last_hit_ms >= g.last_hit_ms)"

    /// No alias for the updated table: SQLite 3.40 (Debian 12's `sqlite3` shell, which must still open the file) does
    /// not take one in a trigger. The moved link's rows are read `INDEXED BY stats_hourly_entity`: SQLite's planner
    /// otherwise reads them from the primary key's kind range, every datapoint row of the table (22 against 0.6 ms a
    /// read on the million-link set).
    private static let groupMoveSQLiteTrigger = """
        CREATE TRIGGER stats_group_move AFTER UPDATE OF group_id ON datapoints WHEN OLD.group_id IS NOT NEW.group_id BEGIN \
        INSERT INTO stats_hourly (\(groupColumns)) SELECT \(group), NEW.group_id, hour_ms, \(StatsRebuildSQL.counterColumns) \
        FROM stats_hourly INDEXED BY stats_hourly_entity WHERE entity_kind = \(datapoint) AND entity_id = NEW.id AND NEW.group_id IS NOT NULL \(upsertAdding); \
        DELETE FROM stats_hourly WHERE entity_kind = \(group) AND entity_id = OLD.group_id AND hour_ms IN \
        (SELECT m.hour_ms FROM stats_hourly AS m INDEXED BY stats_hourly_entity JOIN stats_hourly g ON g.entity_kind = \(group) AND g.entity_id = OLD.group_id \
        AND g.hour_ms = m.hour_ms WHERE m.entity_kind = \(datapoint) AND m.entity_id = OLD.id AND \(needsSumming)); \
        UPDATE stats_hourly SET \(subtracting(from: "stats_hourly")) \
        FROM (SELECT * FROM stats_hourly INDEXED BY stats_hourly_entity WHERE entity_kind = \(datapoint) AND entity_id = OLD.id) AS m \
        WHERE stats_hourly.entity_kind = \(group) AND stats_hourly.entity_id = OLD.group_id AND stats_hourly.hour_ms = m.hour_ms; \
        INSERT INTO stats_hourly (\(groupColumns)) SELECT \(group), OLD.group_id, h.hour_ms, \(StatsRebuildSQL.summed(from: "h.")) \
        FROM stats_hourly h JOIN datapoints d ON d.id = h.entity_id WHERE h.entity_kind = \(datapoint) AND d.group_id = OLD.group_id \
        AND h.hour_ms IN (SELECT m.hour_ms FROM stats_hourly AS m INDEXED BY stats_hourly_entity WHERE m.entity_kind = \(datapoint) AND m.entity_id = OLD.id \
        AND NOT EXISTS (SELECT 1 FROM stats_hourly g WHERE g.entity_kind = \(group) AND g.entity_id = OLD.group_id AND g.hour_ms = m.hour_ms)) \
        GROUP BY h.hour_ms; \
        END
        """

    /// The moved datapoints' rows summed per (old group, hour), from the transition tables.
    private static let leftRows = """
        SELECT o.group_id, h.hour_ms, \(subtracted.map { "SUM(h.\($0)) AS \($0)" }.joined(separator: ", ")), MAX(h.last_hit_ms) AS last_hit_ms \
        FROM before_rows o JOIN after_rows a ON a.id = o.id JOIN stats_hourly h ON h.entity_kind = \(datapoint) AND h.entity_id = o.id \
        WHERE o.group_id IS DISTINCT FROM a.group_id AND o.group_id IS NOT NULL GROUP BY o.group_id, h.hour_ms
        """

    /// Transition tables cannot go with a column list (`UPDATE OF group_id`), so the function looks for moves first.
    /// The rows to sum again are deleted before the subtraction (which leaves the rest) and summed again after it: the
    /// moved hours without a row.
    private static let groupMovePostgresTrigger = [
        """
        CREATE FUNCTION stats_group_move() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM before_rows o JOIN after_rows a ON a.id = o.id WHERE o.group_id IS DISTINCT FROM a.group_id) THEN
                RETURN NULL;
            END IF;
            PERFORM pg_advisory_xact_lock(\(GroupRollupLock.key));
            INSERT INTO stats_hourly (\(groupColumns))
            SELECT \(group), a.group_id, h.hour_ms, \(StatsRebuildSQL.summed(from: "h."))
            FROM before_rows o JOIN after_rows a ON a.id = o.id JOIN stats_hourly h ON h.entity_kind = \(datapoint) AND h.entity_id = a.id
            WHERE o.group_id IS DISTINCT FROM a.group_id AND a.group_id IS NOT NULL GROUP BY a.group_id, h.hour_ms
            \(upsertAdding);
            DELETE FROM stats_hourly g USING (\(leftRows)) m
            WHERE g.entity_kind = \(group) AND g.entity_id = m.group_id AND g.hour_ms = m.hour_ms AND \(needsSumming);
            UPDATE stats_hourly g SET \(subtracting(from: "g")) FROM (\(leftRows)) m
            WHERE g.entity_kind = \(group) AND g.entity_id = m.group_id AND g.hour_ms = m.hour_ms;
            INSERT INTO stats_hourly (\(groupColumns))
            SELECT \(group), p.group_id, p.hour_ms, \(StatsRebuildSQL.summed(from: "h."))
            FROM (SELECT m.group_id, m.hour_ms FROM (\(leftRows)) m WHERE NOT EXISTS (SELECT 1 FROM stats_hourly g
                  WHERE g.entity_kind = \(group) AND g.entity_id = m.group_id AND g.hour_ms = m.hour_ms)) p
            JOIN datapoints d ON d.group_id = p.group_id
            JOIN stats_hourly h ON h.entity_kind = \(datapoint) AND h.entity_id = d.id AND h.hour_ms = p.hour_ms
            GROUP BY p.group_id, p.hour_ms;
            RETURN NULL;
        END $$
        """,
        """
        CREATE TRIGGER stats_group_move AFTER UPDATE ON datapoints REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows \
        FOR EACH STATEMENT EXECUTE FUNCTION stats_group_move()
        """,
    ]
}
