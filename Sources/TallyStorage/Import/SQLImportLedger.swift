import SQLKit
import TallyCore

/// Which local object each imported source object became (`import_ledger`), and a digest of the source object when
/// it was last written, so a second run of an import creates nothing twice, updates what changed, skips the rest, and
/// a run cut short resumes where it stopped.
public struct SQLImportLedger: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    public struct Entry: Sendable, Equatable {
        public let localID: Int64
        public let digest: String
    }

    /// Every entry of one kind from one source, by source id (an account's imports are read once per kind).
    public func entries(accountID: Int64, source: String, kind: String) async throws -> [String: Entry] {
        let rows = try await database.read { db in
            try await db.select().columns("source_id", "local_id", "digest").from("import_ledger")
                .where("account_id", .equal, accountID).where("source", .equal, source).where("kind", .equal, kind).all()
        }
        var entries: [String: Entry] = [:]
        for row in rows {
            entries[try row.decode(column: "source_id", as: String.self)] = Entry(
                localID: try row.decode(column: "local_id", as: Int64.self), digest: try row.decode(column: "digest", as: String.self))
        }
        return entries
    }

    public func record(accountID: Int64, source: String, kind: String, sourceID: String, localID: Int64, digest: String, now: Int64)
        async throws
    {
        try await database.transaction { db in
            try await Self.record(
                db, accountID: accountID, source: source, kind: kind, sourceID: sourceID, localID: localID, digest: digest, now: now)
        }
    }

    /// The same, inside a caller's transaction (an object and its ledger row are written together).
    public static func record(
        _ db: any SQLDatabase, accountID: Int64, source: String, kind: String, sourceID: String, localID: Int64, digest: String, now: Int64
    ) async throws {
        try await db.insert(into: "import_ledger")
            .columns("account_id", "source", "kind", "source_id", "local_id", "digest", "updated_at")
            .values(accountID, source, kind, sourceID, localID, digest, now)
            .onConflict(with: ["account_id", "source", "kind", "source_id"]) { update in
                update.set(excludedValueOf: "local_id").set(excludedValueOf: "digest").set(excludedValueOf: "updated_at")
            }
            .run()
    }
}
