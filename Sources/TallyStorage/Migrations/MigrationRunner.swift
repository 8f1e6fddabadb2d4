import SQLKit

public enum MigrationError: Error, Equatable, CustomStringConvertible {
    /// The database was migrated by a newer ClickTally; running this binary on it could corrupt data.
    case schemaNewer(databaseVersion: Int, binaryVersion: Int)
    /// PostgreSQL is shared by several nodes, so `serve` does not migrate it unasked.
    case pending(versions: [Int])

    public var description: String {
        switch self {
        case .schemaNewer(let database, let binary):
            "the database schema is at version \(database) but this clicktally only knows up to \(binary): upgrade clicktally"
        case .pending(let versions):
            "the database has pending migrations \(versions.map(String.init).joined(separator: ", ")): run `clicktally migrate`"
        }
    }
}

/// Applies `Migrations.all` in order, one transaction per step, recording each in `schema_migrations`.
public struct MigrationRunner: Sendable {
    public let database: any TallyDatabase
    public let migrations: [Migration]

    /// An arbitrary constant: the key of the PostgreSQL advisory lock that keeps two nodes from migrating at once.
    static let advisoryLockKey = 7_243_010_001

    public init(database: any TallyDatabase, migrations: [Migration] = Migrations.all) {
        self.database = database
        self.migrations = migrations
    }

    /// Versions already applied, in order.
    public func appliedVersions() async throws -> [Int] {
        try await database.read { db in
            guard try await Self.tableExists(db) else { return [] }
            return try await db.raw("SELECT version FROM schema_migrations ORDER BY version")
                .all(decodingColumn: "version", as: Int.self)
        }
    }

    /// The steps not yet applied; throws `schemaNewer` when the database knows a step this binary does not.
    public func pending() async throws -> [Migration] {
        let applied = try await appliedVersions()
        let known = migrations.last?.version ?? 0
        if let newest = applied.last, newest > known {
            throw MigrationError.schemaNewer(databaseVersion: newest, binaryVersion: known)
        }
        let appliedSet = Set(applied)
        return migrations.filter { !appliedSet.contains($0.version) }
    }

    /// Applies every pending step (or, with `dryRun`, only lists them) and returns them.
    @discardableResult
    public func migrate(dryRun: Bool = false, now: Int64) async throws -> [Migration] {
        let steps = try await pending()
        guard !dryRun else { return steps }
        let kind = database.kind
        var applied: [Migration] = []
        for step in steps {
            let didApply = try await database.transaction { db in
                if kind == .postgres {
                    try await db.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(Self.advisoryLockKey)))").run()
                }
                try await db.raw(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)
                    """
                ).run()
                // Another node may have applied it while we waited for the lock.
                let already = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: step.version)")
                    .first(decodingColumn: "version", as: Int.self)
                guard already == nil else { return false }
                for statement in step.statements(SQLDialectNames(kind: kind)) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: step.version), \(bind: step.name), \(bind: now))"
                ).run()
                return true
            }
            if didApply { applied.append(step) }
        }
        return applied
    }

    static func tableExists(_ db: any SQLDatabase) async throws -> Bool {
        switch db.dialect.name {
        case "sqlite":
            try await db.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
                .first(decodingColumn: "n", as: Int.self) == 1
        default:
            try await db.raw(
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            ).first(decodingColumn: "n", as: Int.self) == 1
        }
    }
}
