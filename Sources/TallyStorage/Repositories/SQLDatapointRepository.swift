import Foundation
import PostgresNIO
import SQLKit
import TallyCore

/// Datapoints over SQLKit, the same code for both engines.
public struct SQLDatapointRepository: DatapointRepository {
    let database: any TallyDatabase
    /// Where deep pages start (`page`); `nil`: every page walks its offset.
    public let anchors: PageAnchors?

    public init(database: any TallyDatabase, anchors: PageAnchors? = nil) {
        self.database = database
        self.anchors = anchors
    }

    static let columns = [
        "id", "account_id", "domain_id", "type", "name", "title", "notes", "is_favourite", "status", "group_id",
        "created_at", "updated_at", "destination_url", "redirect_type", "encode_ip", "link_options",
    ]

    public func create(_ new: NewDatapoint, now: Int64) async throws -> Datapoint {
        do {
            return try await database.transaction { db in
                let taken = try await db.select().column("id").from("datapoints")
                    .where("domain_id", .equal, new.domainID).where("name", .equal, new.name)
                    .first()
                if taken != nil { throw Self.nameTaken(new.name) }
                return try await Self.insert(new, now: now, db)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Another node inserted the same name between our check and our insert.
            throw Self.nameTaken(new.name)
        }
    }

    public func createMany(_ news: [NewDatapoint], now: Int64) async throws -> [Result<Datapoint, ValidationError>] {
        guard !news.isEmpty else { return [] }
        do {
            return try await database.transaction { db in
                // The names already taken, for all items at once (per domain).
                var taken = Set<String>()
                for (domainID, items) in Dictionary(grouping: news, by: \.domainID) {
                    for chunk in stride(from: 0, to: items.count, by: 500) {
                        let names = items[chunk..<min(chunk + 500, items.count)].map(\.name)
                        for name in try await db.select().column("name").from("datapoints").where("domain_id", .equal, domainID)
                            .where("name", .in, names).all(decodingColumn: "name", as: String.self)
                        {
                            taken.insert("\(domainID)/\(name)")
                        }
                    }
                }
                var results: [Result<Datapoint, ValidationError>?] = Array(repeating: nil, count: news.count)
                var free: [(index: Int, new: NewDatapoint)] = []
                for (index, new) in news.enumerated() {
                    let key = "\(new.domainID)/\(new.name)"
                    guard !taken.contains(key) else {
                        results[index] = .failure(Self.nameTaken(new.name))
                        continue
                    }
                    taken.insert(key)
                    free.append((index, new))
                }
                // One INSERT of many rows per chunk: a statement a row cost most of a batch's time (each is a round
                // trip to the database's thread), and the rows' triggers run the same either way.
                for chunk in stride(from: 0, to: free.count, by: Self.rowsPerInsert) {
                    let items = free[chunk..<min(chunk + Self.rowsPerInsert, free.count)]
                    for (item, datapoint) in zip(items, try await Self.insertMany(items.map(\.new), now: now, db)) {
                        results[item.index] = .success(datapoint)
                    }
                }
                return results.map { $0! }
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Another node took one of the names meanwhile: one transaction each, so only that item fails.
            var results: [Result<Datapoint, ValidationError>] = []
            for new in news {
                do { results.append(.success(try await create(new, now: now))) } catch let error as ValidationError {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    static let insertColumns = [
        "account_id", "domain_id", "type", "name", "title", "notes", "is_favourite", "status", "group_id",
        "destination_url", "redirect_type", "encode_ip", "created_at", "updated_at", "link_options",
    ]
    /// 15 columns a row: 100 rows stay far below both engines' limits on bound values (SQLite 32,766, PostgreSQL 65,535).
    static let rowsPerInsert = 100

    static func insertValues(_ new: NewDatapoint, now: Int64) throws -> [any Encodable & Sendable] {
        [
            new.accountID, new.domainID, new.type.rawValue, new.name, new.title, new.notes, new.isFavourite,
            DatapointStatus.active.rawValue, new.groupID, new.destinationURL, new.redirectType.rawValue,
            new.encodeIP, now, now, try Self.encoded(new.options),
        ]
    }

    static func insert(_ new: NewDatapoint, now: Int64, _ db: any SQLDatabase) async throws -> Datapoint {
        guard let datapoint = try await insertMany([new], now: now, db).first else { throw StorageError.missingInsertID(table: "datapoints") }
        return datapoint
    }

    /// Rows whose names are known to be free, in one statement; answered in the order given (matched by name, since
    /// neither engine promises the order of `RETURNING`).
    static func insertMany(_ news: [NewDatapoint], now: Int64, _ db: any SQLDatabase) async throws -> [Datapoint] {
        guard !news.isEmpty else { return [] }
        var builder = db.insert(into: "datapoints").columns(insertColumns)
        for new in news { builder = builder.values(try insertValues(new, now: now)) }
        var ids: [String: Int64] = [:]
        for row in try await builder.returning("id", "domain_id", "name").all() {
            ids["\(try row.decode(column: "domain_id", as: Int64.self))/\(try row.decode(column: "name", as: String.self))"] =
                try row.decode(column: "id", as: Int64.self)
        }
        let created = try news.map { new in
            guard let id = ids["\(new.domainID)/\(new.name)"] else { throw StorageError.missingInsertID(table: "datapoints") }
            return Datapoint(
                id: id, accountID: new.accountID, domainID: new.domainID, type: new.type, name: new.name, title: new.title,
                notes: new.notes, isFavourite: new.isFavourite, groupID: new.groupID, createdAt: now, updatedAt: now,
                destinationURL: new.destinationURL, redirectType: new.redirectType, encodeIP: new.encodeIP, options: new.options)
        }
        for datapoint in created where !datapoint.options.scriptIDs.isEmpty {
            try await linkScripts(db, datapointID: datapoint.id, scriptIDs: datapoint.options.scriptIDs)
        }
        return created
    }

    public func find(id: Int64) async throws -> Datapoint? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("datapoints").where("id", .equal, id)
                .first().map(Self.datapoint(from:))
        }
    }

    /// Several datapoints in one query (those of a page of hits); missing ids are left out.
    public func find(ids: [Int64]) async throws -> [Datapoint] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            try await db.select().columns(Self.columns).from("datapoints").where("id", .in, SQLBind.group(Array(Set(ids)).sorted()))
                .all().map(Self.datapoint(from:))
        }
    }

    public func find(domainID: Int64, name: String) async throws -> Datapoint? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("datapoints")
                .where("domain_id", .equal, domainID).where("name", .equal, name)
                .first().map(Self.datapoint(from:))
        }
    }

    public func list(accountID: Int64, statuses: Set<DatapointStatus>) async throws -> [Datapoint] {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("datapoints")
                .where("account_id", .equal, accountID)
                .where("status", .in, statuses.map(\.rawValue).sorted())
                .orderBy("id")
                .all().map(Self.datapoint(from:))
        }
    }

    public func rename(id: Int64, domainID: Int64, to name: String, now: Int64) async throws {
        do {
            try await database.transaction { db in
                let taken = try await db.select().column("id").from("datapoints")
                    .where("domain_id", .equal, domainID).where("name", .equal, name).where("id", .notEqual, id).first()
                if taken != nil { throw Self.nameTaken(name) }
                try await db.update("datapoints").set("name", to: name).set("updated_at", to: now).where("id", .equal, id).run()
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Another node took the name between our check and our update.
            throw Self.nameTaken(name)
        }
    }

    public func save(_ datapoint: Datapoint, now: Int64) async throws -> Datapoint {
        try await database.transaction { db in
            try await db.update("datapoints")
                .set("title", to: datapoint.title).set("notes", to: datapoint.notes).set("is_favourite", to: datapoint.isFavourite)
                .set("group_id", to: datapoint.groupID).set("destination_url", to: datapoint.destinationURL)
                .set("redirect_type", to: datapoint.redirectType.rawValue).set("encode_ip", to: datapoint.encodeIP).set("updated_at", to: now)
                .set("link_options", to: try Self.encoded(datapoint.options))
                .where("id", .equal, datapoint.id).run()
            try await db.delete(from: "datapoint_scripts").where("datapoint_id", .equal, datapoint.id).run()
            try await Self.linkScripts(db, datapointID: datapoint.id, scriptIDs: datapoint.options.scriptIDs)
        }
        var saved = datapoint
        saved.updatedAt = now
        return saved
    }

    public func setStatus(id: Int64, to status: DatapointStatus, now: Int64) async throws -> Datapoint? {
        try await database.transaction { db in
            guard let row = try await db.select().columns(Self.columns).from("datapoints").where("id", .equal, id).first() else {
                return nil
            }
            var datapoint = try Self.datapoint(from: row)
            guard datapoint.status != .deleted || status == .deleted else {
                throw ValidationError(field: "status", code: "datapoint_deleted", message: "a deleted datapoint cannot be restored")
            }
            try await db.update("datapoints").set("status", to: status.rawValue).set("updated_at", to: now)
                .where("id", .equal, id).run()
            datapoint.status = status
            datapoint.updatedAt = now
            return datapoint
        }
    }

    public func servable(limit: Int) async throws -> [Datapoint] {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("datapoints")
                .where("status", .in, [DatapointStatus.active.rawValue, DatapointStatus.abuse.rawValue])
                .orderBy("updated_at", .descending).limit(limit)
                .all().map(Self.datapoint(from:))
        }
    }

    public func changedNames(since time: Int64) async throws -> [(id: Int64, domainID: Int64, name: String)] {
        try await database.read { db in
            try await db.select().columns("id", "domain_id", "name").from("datapoints").where("updated_at", .greaterThanOrEqual, time).all()
                .map {
                    (
                        try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "domain_id", as: Int64.self),
                        try $0.decode(column: "name", as: String.self)
                    )
                }
        }
    }

    /// The queryable copy of `LinkOptions.scriptIDs` (for `/retargeting/{id}/datapoints`).
    static func linkScripts(_ db: any SQLDatabase, datapointID: Int64, scriptIDs: [Int64]) async throws {
        for scriptID in Set(scriptIDs) {
            try await db.insert(into: "datapoint_scripts").columns("script_id", "datapoint_id").values(scriptID, datapointID).run()
        }
    }

    /// `nil` (a plain redirect) or the options as JSON.
    static func encoded(_ options: LinkOptions) throws -> String? {
        options.isPlain ? nil : String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
    }

    static func decodedOptions(_ text: String?) throws -> LinkOptions {
        guard let text else { return LinkOptions() }
        return try JSONDecoder().decode(LinkOptions.self, from: Data(text.utf8))
    }

    static func nameTaken(_ name: String) -> ValidationError {
        ValidationError(
            field: "name", code: "name_taken",
            message: "name '\(name)' is already used on this domain (names of deleted datapoints are never reused)")
    }

    static func datapoint(from row: any SQLRow) throws -> Datapoint {
        guard let type = DatapointType(rawValue: try row.decode(column: "type", as: Int.self)),
            let status = DatapointStatus(rawValue: try row.decode(column: "status", as: Int.self)),
            let redirect = RedirectType(rawValue: try row.decode(column: "redirect_type", as: Int.self))
        else { throw StorageError.corruptRow(table: "datapoints") }
        return Datapoint(
            id: try row.decode(column: "id", as: Int64.self),
            accountID: try row.decode(column: "account_id", as: Int64.self),
            domainID: try row.decode(column: "domain_id", as: Int64.self),
            type: type,
            name: try row.decode(column: "name", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            notes: try row.decode(column: "notes", as: String.self),
            isFavourite: try row.decode(column: "is_favourite", as: Bool.self),
            status: status,
            groupID: try row.decode(column: "group_id", as: Int64?.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self),
            updatedAt: try row.decode(column: "updated_at", as: Int64.self),
            destinationURL: try row.decode(column: "destination_url", as: String?.self),
            redirectType: redirect,
            encodeIP: try row.decode(column: "encode_ip", as: Bool.self),
            options: try decodedOptions(try row.decode(column: "link_options", as: String?.self)))
    }
}

public enum StorageError: Error, Equatable {
    case missingInsertID(table: String)
    case corruptRow(table: String)
}
