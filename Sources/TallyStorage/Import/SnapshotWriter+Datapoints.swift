import SQLKit
import TallyCore

/// Tracking links and pixels, with every option, their tags, and their statistics history.
extension SnapshotWriter {
    func writeDatapoints(_ records: [AccountSnapshot.DatapointRecord], _ summary: inout ImportSummary, _ mapping: inout Mapping) async throws {
        let entries = try await ledger.entries(accountID: accountID, source: options.source, kind: "datapoint")
        let repository = SQLDatapointRepository(database: database)
        let domains = Dictionary(uniqueKeysWithValues: try await SQLDomainRepository(database: database).all().map { ($0.id, $0) })
        for (index, record) in records.enumerated() {
            defer { progress?("datapoint", index + 1, records.count) }
            let digest = AccountSnapshot.digest(of: record)
            let label = "\(record.sourceID) \(record.name)"
            do {
                let domainID = try domain(of: record, mapping)
                guard let domain = domainID == systemDomain.id ? systemDomain : domains[domainID] ?? (options.dryRun ? systemDomain : nil) else {
                    throw ValidationError(field: "domain", code: "domain_unknown", message: "its domain was not imported")
                }
                let id: Int64
                let outcome: ImportSummary.Outcome
                switch match(entries, record.sourceID, digest: digest) {
                case .unchanged(let local):
                    mapping.ids["datapoint", default: [:]][record.sourceID] = local
                    summary.count("datapoint", .skipped)
                    continue
                case .changed(let local):
                    guard let existing = try await repository.find(id: local) else {
                        throw ValidationError(field: "id", code: "datapoint_gone", message: "the link this import made earlier no longer exists")
                    }
                    try await update(existing, to: record, domain: domain, mapping)
                    (id, outcome) = (local, .updated)
                case .new:
                    if let existing = try await repository.find(domainID: domain.id, name: record.name) {
                        guard existing.accountID == accountID else {
                            throw ValidationError(
                                field: "name", code: "name_taken", message: "'\(record.name)' is used by another account on this domain")
                        }
                        // Made by an earlier run that stopped before its ledger row, or taken over on purpose.
                        guard try isSame(existing, record) || options.overwrite else {
                            throw ValidationError(
                                field: "name", code: "name_taken",
                                message: "a link called '\(record.name)' already exists with another destination; --update takes it over")
                        }
                        try await update(existing, to: record, domain: domain, mapping)
                        (id, outcome) = (existing.id, .updated)
                    } else {
                        (id, outcome) = (try await create(record, domain: domain, mapping), .created)
                    }
                }
                try await self.record("datapoint", record.sourceID, id, digest)
                mapping.ids["datapoint", default: [:]][record.sourceID] = id
                summary.count("datapoint", outcome)
            } catch let error as ValidationError {
                summary.fail("datapoint", label, error)
            }
        }
    }

    func domain(of record: AccountSnapshot.DatapointRecord, _ mapping: Mapping) throws -> Int64 {
        guard let source = record.domain else { return systemDomain.id }
        guard let id = mapping.id("domain", source) else {
            throw ValidationError(field: "domain", code: "domain_unknown", message: "its domain \(source) was not imported")
        }
        return id
    }

    func isSame(_ existing: Datapoint, _ record: AccountSnapshot.DatapointRecord) throws -> Bool {
        guard existing.type == record.type else { return false }
        guard let destination = record.destinationURL else { return existing.destinationURL == nil }
        return try existing.destinationURL == DestinationURL.validate(destination, trackingHosts: service.trackingHosts())
    }

    func linkOptions(_ record: AccountSnapshot.DatapointRecord, _ mapping: Mapping) throws -> LinkOptions {
        guard record.type == .trackingLink else { return LinkOptions() }
        var options = LinkOptions(
            mode: record.mode,
            destinations: try record.destinations.map { destination in
                RotatorDestination(
                    url: try DestinationURL.validate(destination.url, trackingHosts: service.trackingHosts()), weight: destination.weight)
            }, hideURL: record.hideURL, hideURLTitle: record.hideURLTitle, referrerClean: record.referrerClean,
            scriptIDs: record.scripts.compactMap { mapping.id("script", $0) })
        options.clickIDParameter = record.clickIDParameter
        try options.validate()
        return options
    }

    func create(_ record: AccountSnapshot.DatapointRecord, domain: Domain, _ mapping: Mapping) async throws -> Int64 {
        let linkOptions = try linkOptions(record, mapping)
        var request = DatapointService.CreateRequest(
            type: record.type, destination: record.type == .trackingLink ? record.destinationURL ?? record.destinations.first?.url : nil,
            name: record.name, title: record.title, notes: record.notes, redirectType: record.redirectType, encodeIP: record.encodeIP,
            groupID: mapping.id("group", record.group))
        request.options = linkOptions
        request.isFavourite = record.isFavourite
        if options.dryRun {
            try DatapointName.validate(record.name)
            if let destination = request.destination { _ = try DestinationURL.validate(destination, trackingHosts: service.trackingHosts()) }
            return 0
        }
        let created = try await service.create(accountID: accountID, domain: domain, request)
        try await finish(created, record)
        return created.id
    }

    func update(_ existing: Datapoint, to record: AccountSnapshot.DatapointRecord, domain: Domain, _ mapping: Mapping) async throws {
        guard existing.type == record.type else {
            throw ValidationError(field: "type", code: "type_changed", message: "the source's object is a \(record.type) here a \(existing.type)")
        }
        var changed = existing
        changed.name = record.name
        changed.title = record.title
        changed.notes = record.notes
        changed.isFavourite = record.isFavourite
        changed.groupID = mapping.id("group", record.group)
        changed.encodeIP = record.encodeIP
        if record.type == .trackingLink {
            changed.destinationURL = record.destinationURL ?? record.destinations.first?.url
            changed.redirectType = record.redirectType
            changed.options = try linkOptions(record, mapping)
        }
        if options.dryRun {
            if changed.name != existing.name { try DatapointName.validate(changed.name) }
            return
        }
        let saved = try await service.save(changed, previous: existing)
        try await finish(saved, record)
    }

    /// What a create or an update leaves to follow: the status and the tags (the source's set, exactly).
    func finish(_ datapoint: Datapoint, _ record: AccountSnapshot.DatapointRecord) async throws {
        if record.status != datapoint.status, datapoint.status != .deleted {
            _ = try await service.setStatus(id: datapoint.id, to: record.status)
        }
        let current = Set((try await tags.tags(ofDatapoints: [datapoint.id])[datapoint.id] ?? []).map { $0.name.lowercased() })
        let wanted = Set(record.tags.map { $0.lowercased() })
        guard current != wanted else { return }
        for name in record.tags where !current.contains(name.lowercased()) {
            let tag = try await tags.findOrCreate(accountID: accountID, name: name)
            try await tags.set(tagID: tag.id, .datapoint, id: datapoint.id, attached: true)
        }
        for (id, name) in try await tags.tags(ofDatapoints: [datapoint.id])[datapoint.id] ?? [] where !wanted.contains(name.lowercased()) {
            try await tags.set(tagID: id, .datapoint, id: datapoint.id, attached: false)
        }
    }

    /// Daily totals placed at noon of their day in the account's time zone, so every chart shows them on that day.
    func writeHistory(_ records: [AccountSnapshot.HistoryRecord], _ summary: inout ImportSummary, _ mapping: Mapping) async throws {
        guard !records.isEmpty else { return }
        let zone = try await database.read { db in
            try await db.select().column("time_zone").from("accounts").where("id", .equal, accountID).first(
                decodingColumn: "time_zone", as: String.self)
        }
        let time = LocalTime(identifier: zone ?? "UTC")
        var rows: [SQLImportedHistory.Row] = []
        for record in records {
            let entity: StatsEntity = record.entity == .datapoint ? .datapoint : .conversion
            guard let id = mapping.id(record.entity.rawValue, record.sourceID) else {
                summary.fail(
                    "history", "\(record.entity.rawValue) \(record.sourceID) \(record.day)",
                    ValidationError(field: "sourceID", code: "entity_unknown", message: "its \(record.entity.rawValue) was not imported"))
                continue
            }
            guard let day = ClickMeterDate.day(record.day) else {
                summary.fail(
                    "history", "\(record.entity.rawValue) \(record.sourceID) \(record.day)",
                    ValidationError(field: "day", code: "day_invalid", message: "the day must be YYYYMMDD"))
                continue
            }
            rows.append(
                SQLImportedHistory.Row(
                    entity: entity, entityID: id, hour: StatsRollup.hourStart(of: time.start(ofDay: day) + 12 * StatsRollup.hourMilliseconds),
                    counts: record.counts))
        }
        let history = SQLImportedHistory(database: database)
        for (index, chunk) in rows.chunked(5_000).enumerated() {
            let changed = options.dryRun ? chunk.count : try await history.replace(accountID: accountID, Array(chunk))
            summary.count("history", .created, times: changed)
            summary.count("history", .skipped, times: chunk.count - changed)
            progress?("history", min((index + 1) * 5_000, rows.count), rows.count)
        }
    }
}
