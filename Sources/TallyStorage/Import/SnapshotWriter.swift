import Foundation
import TallyCore

/// Writes an `AccountSnapshot` into one account, idempotently: each source object is matched to the local object an
/// earlier run made of it (`SQLImportLedger`), created when there is none, updated when the source changed, and
/// skipped when it did not. A run cut short resumes: objects are written one at a time, each complete before its
/// ledger row, and a link found under its own name with the same destination is taken as this import's. A link whose
/// name is taken by another is reported and left alone, unless `overwrite` (`--update`) says to take it over. A dry
/// run reads everything and writes nothing.
public struct SnapshotWriter: Sendable {
    public struct Options: Sendable {
        /// Names the source in the ledger (`clickmeter:apiv2.clickmeter.com`, `csv:links.csv`): two sources never match.
        public var source: String
        public var dryRun = false
        /// Take over links whose name is already used by a link this import did not make.
        public var overwrite = false

        public init(source: String, dryRun: Bool = false, overwrite: Bool = false) {
            self.source = source
            self.dryRun = dryRun
            self.overwrite = overwrite
        }
    }

    /// Objects done so far of the snapshot's total, for a progress bar.
    public typealias Progress = @Sendable (_ kind: String, _ done: Int, _ total: Int) -> Void

    let database: any TallyDatabase
    let accountID: Int64
    let systemDomain: Domain
    let service: DatapointService
    let options: Options
    let clock: WallClock
    let progress: Progress?

    public init(
        database: any TallyDatabase, accountID: Int64, systemDomain: Domain, service: DatapointService, options: Options, clock: WallClock = .system,
        progress: Progress? = nil
    ) {
        self.database = database
        self.accountID = accountID
        self.systemDomain = systemDomain
        self.service = service
        self.options = options
        self.clock = clock
        self.progress = progress
    }

    var ledger: SQLImportLedger { SQLImportLedger(database: database) }
    var groups: SQLGroupRepository { SQLGroupRepository(database: database) }
    var conversions: SQLConversionRepository { SQLConversionRepository(database: database) }
    var scripts: SQLRetargetingRepository { SQLRetargetingRepository(database: database) }
    var tags: SQLTagRepository { SQLTagRepository(database: database) }
    var lists: SQLAccountListRepository { SQLAccountListRepository(database: database) }

    /// Local ids by source id, per kind, as this run learns them (a dry run's "would create" objects map to 0).
    struct Mapping {
        var ids: [String: [String: Int64]] = [:]

        func id(_ kind: String, _ sourceID: String?) -> Int64? {
            guard let sourceID else { return nil }
            return ids[kind]?[sourceID]
        }
    }

    public func write(_ snapshot: AccountSnapshot) async throws -> ImportSummary {
        guard snapshot.format == AccountSnapshot.formatName, snapshot.version == 1 else {
            throw ValidationError(
                field: "format", code: "snapshot_format",
                message: "not a ClickTally account export (format \(snapshot.format) version \(snapshot.version))")
        }
        var summary = ImportSummary(dryRun: options.dryRun)
        var mapping = Mapping()
        try await writeDomains(snapshot.domains, &summary, &mapping)
        try await writeGroups(snapshot.groups, &summary, &mapping)
        try await writeScripts(snapshot.scripts, &summary, &mapping)
        try await writeConversions(snapshot.conversions, &summary, &mapping)
        try await writeDatapoints(snapshot.datapoints, &summary, &mapping)
        try await linkConversions(snapshot.conversions, &summary, mapping)
        try await writeGroupTags(snapshot.groupTags, &summary, mapping)
        try await writeLists(snapshot, &summary)
        try await writeHistory(snapshot.history, &summary, mapping)
        return summary
    }

    /// The ledger's verdict on one source object: which local object it is and whether it changed since.
    enum Match {
        case new
        case unchanged(Int64)
        case changed(Int64)
    }

    func match(_ entries: [String: SQLImportLedger.Entry], _ sourceID: String, digest: String) -> Match {
        guard let entry = entries[sourceID] else { return .new }
        return entry.digest == digest ? .unchanged(entry.localID) : .changed(entry.localID)
    }

    func record(_ kind: String, _ sourceID: String, _ localID: Int64, _ digest: String) async throws {
        guard !options.dryRun else { return }
        try await ledger.record(
            accountID: accountID, source: options.source, kind: kind, sourceID: sourceID, localID: localID, digest: digest, now: clock.now())
    }

    func writeDomains(_ records: [AccountSnapshot.DomainRecord], _ summary: inout ImportSummary, _ mapping: inout Mapping) async throws {
        let repository = SQLDomainRepository(database: database)
        let existing = try await repository.all()
        for (index, record) in records.enumerated() {
            defer { progress?("domain", index + 1, records.count) }
            // The source's own shared domains are its business; their links move to this server's domain.
            if record.type == .system || record.type == .go {
                mapping.ids["domain", default: [:]][record.sourceID] = systemDomain.id
                summary.count("domain", .skipped)
                continue
            }
            let name = record.name.lowercased()
            if let found = existing.first(where: { $0.name == name }) {
                guard found.accountID == accountID else {
                    summary.fail(
                        "domain", "\(record.sourceID) \(record.name)",
                        ValidationError(field: "Name", code: "domain_taken", message: "the domain is configured for another account"))
                    continue
                }
                mapping.ids["domain", default: [:]][record.sourceID] = found.id
                summary.count("domain", .skipped)
                continue
            }
            do {
                var id: Int64 = 0
                if options.dryRun {
                    _ = try SQLDomainRepository.validateName(name)
                } else {
                    id = try await repository.create(accountID: accountID, name: name, type: record.type, now: clock.now()).id
                }
                mapping.ids["domain", default: [:]][record.sourceID] = id
                summary.count("domain", .created)
            } catch let error as ValidationError {
                summary.fail("domain", "\(record.sourceID) \(record.name)", error)
            }
        }
    }

    func writeLists(_ snapshot: AccountSnapshot, _ summary: inout ImportSummary) async throws {
        for (list, kind, values) in [
            (SQLAccountListRepository.List.ipBlacklist, "ipBlacklist", snapshot.ipBlacklist),
            (.domainWhitelist, "domainWhitelist", snapshot.domainWhitelist),
        ] {
            var present = Set(try await lists.entries(list, accountID: accountID).map { Self.listKey(list, $0.value) })
            for raw in values {
                let value: String
                do {
                    value = try Self.listValue(list, raw)
                } catch let error as ValidationError {
                    summary.fail(kind, raw, error)
                    continue
                }
                guard !present.contains(Self.listKey(list, value)) else {
                    summary.count(kind, .skipped)
                    continue
                }
                if !options.dryRun { _ = try await lists.add(list, accountID: accountID, value: value, now: clock.now()) }
                present.insert(Self.listKey(list, value))
                summary.count(kind, .created)
            }
        }
    }

    static func listValue(_ list: SQLAccountListRepository.List, _ raw: String) throws -> String {
        switch list {
        case .ipBlacklist:
            guard let network = IPNetwork(raw.trimmingSpaces) else {
                throw ValidationError(field: "Ip", code: "ip_invalid", message: "'\(raw)' is not an IP address or CIDR block")
            }
            return network.compactDescription
        case .domainWhitelist:
            return try SQLDomainRepository.validateName(raw)
        }
    }

    /// `203.0.113.5` and `203.0.113.5/32` are one entry.
    static func listKey(_ list: SQLAccountListRepository.List, _ value: String) -> String {
        list == .ipBlacklist ? IPNetwork(value)?.compactDescription ?? value : value.lowercased()
    }
}
