import SQLKit

/// Keeps a group's roll-up rows (`StatsEntity.group`) the sums of its datapoints' rows when, on PostgreSQL, a link
/// moves between groups while the hit writer adds to it in another transaction.
///
/// Without it, a writer that read the link's old group before the move committed would add its hits to the old
/// group's rows after the move had carried the link's history (without those uncommitted hits) to the new group.
/// Every roll-up write takes this lock shared before it reads which group its datapoints are in
/// (`SQLHitRepository.owners`); the move trigger (migration 23) takes it exclusively before it moves rows, so it waits
/// for the batches in flight and then sees their rows, and batches that start meanwhile wait for its commit and then
/// read the new group. One shared lock per batch; the wait happens only while a move commits. SQLite writes one
/// transaction at a time, so there is nothing to order.
enum GroupRollupLock {
    static let key: Int64 = 7_243_010_002

    static func share(in db: any SQLDatabase) async throws {
        guard db.dialect.name == "postgresql" else { return }
        try await db.raw("SELECT pg_advisory_xact_lock_shared(\(unsafeRaw: String(key)))").run()
    }
}
