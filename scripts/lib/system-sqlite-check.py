# The file a server wrote, opened by the system's SQLite (Debian 12's 3.40 in python3's sqlite3, as its sqlite3 shell):
# the schema must parse there (a trigger that newer SQLite accepts and 3.40 refuses made the whole file unreadable),
# and the triggers must run: the link 'abc' moved into a new group and out again carries its clicks.
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
db.execute("BEGIN")
account, link = db.execute("SELECT account_id, id FROM datapoints WHERE name = 'abc'").fetchone()
clicks = db.execute("SELECT SUM(clicks) FROM stats_hourly WHERE entity_kind = 1 AND entity_id = ?", (link,)).fetchone()[0]
group = db.execute("INSERT INTO link_groups (account_id, name, created_at, updated_at) VALUES (?, 'e2e', 0, 0)", (account,)).lastrowid
db.execute("UPDATE datapoints SET group_id = ? WHERE id = ?", (group, link))
moved = db.execute("SELECT SUM(clicks) FROM stats_hourly WHERE entity_kind = 5 AND entity_id = ?", (group,)).fetchone()[0]
db.execute("UPDATE datapoints SET group_id = NULL WHERE id = ?", (link,))
left = db.execute("SELECT COUNT(*) FROM stats_hourly WHERE entity_kind = 5 AND entity_id = ?", (group,)).fetchone()[0]
db.execute("ROLLBACK")
print(f"sqlite {sqlite3.sqlite_version}: {clicks} clicks moved in as {moved}, {left} group rows left after moving out")
sys.exit(0 if clicks and moved == clicks and left == 0 else 1)
