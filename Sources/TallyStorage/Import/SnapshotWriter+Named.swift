import TallyCore

/// Groups, retargeting scripts and conversion goals: matched by the ledger, else by name (an account's group called
/// "Spring" is the source's "Spring"), else created.
extension SnapshotWriter {
    /// One kind of named object: how to read a record, and how to create or update its local object.
    struct NamedKind<Record: Encodable & Sendable> {
        let kind: String
        let sourceID: (Record) -> String
        let name: (Record) -> String
        /// The account's objects of this kind by lowercased name.
        let existing: [String: Int64]
        let create: (Record) async throws -> Int64
        let update: (Record, Int64) async throws -> Void
        /// Checks a record without writing (a dry run).
        let check: (Record) throws -> Void
    }

    func writeNamed<Record: Encodable & Sendable>(
        _ records: [Record], _ named: NamedKind<Record>, _ summary: inout ImportSummary, _ mapping: inout Mapping
    ) async throws {
        let entries = try await ledger.entries(accountID: accountID, source: options.source, kind: named.kind)
        for (index, record) in records.enumerated() {
            defer { progress?(named.kind, index + 1, records.count) }
            let sourceID = named.sourceID(record)
            let digest = AccountSnapshot.digest(of: record)
            do {
                switch match(entries, sourceID, digest: digest) {
                case .unchanged(let id):
                    mapping.ids[named.kind, default: [:]][sourceID] = id
                    summary.count(named.kind, .skipped)
                case .changed(let id):
                    if options.dryRun { try named.check(record) } else { try await named.update(record, id) }
                    try await self.record(named.kind, sourceID, id, digest)
                    mapping.ids[named.kind, default: [:]][sourceID] = id
                    summary.count(named.kind, .updated)
                case .new:
                    if let id = named.existing[named.name(record).lowercased()] {
                        if options.overwrite {
                            if options.dryRun { try named.check(record) } else { try await named.update(record, id) }
                        }
                        try await self.record(named.kind, sourceID, id, digest)
                        mapping.ids[named.kind, default: [:]][sourceID] = id
                        summary.count(named.kind, options.overwrite ? .updated : .skipped)
                    } else {
                        var id: Int64 = 0
                        if options.dryRun { try named.check(record) } else { id = try await named.create(record) }
                        try await self.record(named.kind, sourceID, id, digest)
                        mapping.ids[named.kind, default: [:]][sourceID] = id
                        summary.count(named.kind, .created)
                    }
                }
            } catch let error as ValidationError {
                summary.fail(named.kind, "\(sourceID) \(named.name(record))", error)
            }
        }
    }

    func writeGroups(_ records: [AccountSnapshot.GroupRecord], _ summary: inout ImportSummary, _ mapping: inout Mapping) async throws {
        let local = try await groups.list(accountID: accountID, includeDeleted: false)
        let now = clock.now()
        let kind = NamedKind<AccountSnapshot.GroupRecord>(
            kind: "group", sourceID: \.sourceID, name: \.name,
            existing: Dictionary(local.map { ($0.name.lowercased(), $0.id) }, uniquingKeysWith: min),
            create: { record in
                try await groups.create(accountID: accountID, name: record.name, notes: record.notes, isFavourite: record.isFavourite, now: now).id
            },
            update: { record, id in
                guard var group = try await groups.find(id: id) else { return }
                group.name = record.name
                group.notes = record.notes
                group.isFavourite = record.isFavourite
                _ = try await groups.save(group, now: now)
            },
            check: { record in _ = try LinkGroup.validateName(record.name) })
        try await writeNamed(records, kind, &summary, &mapping)
    }

    func writeScripts(_ records: [AccountSnapshot.ScriptRecord], _ summary: inout ImportSummary, _ mapping: inout Mapping) async throws {
        let local = try await scripts.list(accountID: accountID)
        let now = clock.now()
        let kind = NamedKind<AccountSnapshot.ScriptRecord>(
            kind: "script", sourceID: \.sourceID, name: \.name,
            existing: Dictionary(local.map { ($0.name.lowercased(), $0.id) }, uniquingKeysWith: min),
            create: { record in try await scripts.create(accountID: accountID, name: record.name, script: record.script, now: now).id },
            update: { record, id in
                guard var script = try await scripts.find(id: id) else { return }
                script.name = record.name
                script.script = record.script
                _ = try await scripts.save(script, now: now)
            },
            check: { _ in })
        try await writeNamed(records, kind, &summary, &mapping)
    }

    func writeConversions(_ records: [AccountSnapshot.ConversionRecord], _ summary: inout ImportSummary, _ mapping: inout Mapping) async throws {
        let local = try await conversions.list(accountID: accountID)
        let now = clock.now()
        func apply(_ record: AccountSnapshot.ConversionRecord, to conversion: inout Conversion) {
            conversion.name = record.name
            conversion.description = record.description
            conversion.notes = record.notes
            conversion.value = record.value
            conversion.isHTTPS = record.isHTTPS
            conversion.attribution = record.attribution
            conversion.isDeleted = record.isDeleted
        }
        let kind = NamedKind<AccountSnapshot.ConversionRecord>(
            kind: "conversion", sourceID: \.sourceID, name: \.name,
            existing: Dictionary(local.filter { !$0.isDeleted }.map { ($0.name.lowercased(), $0.id) }, uniquingKeysWith: min),
            create: { record in
                var conversion = Conversion(id: 0, accountID: accountID, name: record.name, createdAt: now, updatedAt: now)
                apply(record, to: &conversion)
                return try await conversions.create(conversion, now: now).id
            },
            update: { record, id in
                guard var conversion = try await conversions.find(id: id) else { return }
                apply(record, to: &conversion)
                _ = try await conversions.save(conversion, now: now)
            },
            check: { _ in })
        try await writeNamed(records, kind, &summary, &mapping)
    }

    /// Each goal credits the same links it did at the source (links are added, none taken away).
    func linkConversions(_ records: [AccountSnapshot.ConversionRecord], _ summary: inout ImportSummary, _ mapping: Mapping) async throws {
        guard !options.dryRun else { return }
        for record in records {
            guard let conversionID = mapping.id("conversion", record.sourceID) else { continue }
            let linked = try await conversions.datapointIDs(conversionID: conversionID)
            for datapoint in record.datapoints {
                guard let datapointID = mapping.id("datapoint", datapoint), !linked.contains(datapointID) else { continue }
                do {
                    try await conversions.patch(conversionID: conversionID, datapointID: datapointID, action: .add, now: clock.now())
                } catch let error as ValidationError {
                    summary.fail("conversion", "\(record.sourceID) \(record.name) → datapoint \(datapoint)", error)
                }
            }
        }
    }

    func writeGroupTags(_ records: [AccountSnapshot.GroupTagRecord], _ summary: inout ImportSummary, _ mapping: Mapping) async throws {
        guard !options.dryRun else { return }
        for record in records {
            guard let groupID = mapping.id("group", record.group) else { continue }
            do {
                let tag = try await tags.findOrCreate(accountID: accountID, name: record.tag)
                if !tag.groupIDs.contains(groupID) { try await tags.set(tagID: tag.id, .group, id: groupID, attached: true) }
            } catch let error as ValidationError {
                summary.fail("tag", "\(record.tag) on group \(record.group)", error)
            }
        }
    }
}
