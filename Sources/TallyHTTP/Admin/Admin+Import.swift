import TallyCore
import TallyStorage

/// `clicktally import …` and `clicktally export …`: the chosen account's writer and reader, over the same storage
/// code the server uses (a running server sees the imported links within a second, `CacheRefresher`).
extension Admin {
    public func snapshotWriter(
        _ options: SnapshotWriter.Options, database: any TallyDatabase, progress: SnapshotWriter.Progress? = nil
    ) async throws -> SnapshotWriter {
        let context = try await prepare(database)
        return SnapshotWriter(
            database: database, accountID: context.accountID, systemDomain: context.defaults.systemDomain, service: context.service,
            options: options, clock: clock, progress: progress)
    }

    public func snapshotReader(database: any TallyDatabase) async throws -> SnapshotReader {
        SnapshotReader(database: database, accountID: try await prepare(database).accountID, clock: clock)
    }
}
