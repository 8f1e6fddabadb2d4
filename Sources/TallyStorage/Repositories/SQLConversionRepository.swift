import SQLKit
import TallyCore

/// Conversion goals and the datapoints attached to them (at most five per datapoint, in attachment order).
public struct SQLConversionRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    static let columns = [
        "id", "account_id", "name", "description", "notes", "value", "protocol", "is_deleted", "created_at", "updated_at", "attribution",
    ]

    public func create(_ conversion: Conversion, now: Int64) async throws -> Conversion {
        try conversion.validate()
        return try await database.transaction { db in
            guard
                let id = try await db.insert(into: "conversions")
                    .columns(
                        "account_id", "name", "description", "notes", "value", "protocol", "is_deleted", "created_at", "updated_at", "attribution"
                    )
                    .values(
                        conversion.accountID, conversion.name, conversion.description, conversion.notes, conversion.value,
                        conversion.isHTTPS ? 1 : 0, false, now, now, conversion.attribution.rawValue
                    )
                    .returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: "conversions") }
            var created = conversion
            created.id = id
            created.isDeleted = false
            created.createdAt = now
            created.updatedAt = now
            return created
        }
    }

    public func find(id: Int64) async throws -> Conversion? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("conversions").where("id", .equal, id).first().map(Self.conversion(from:))
        }
    }

    public func list(accountID: Int64) async throws -> [Conversion] {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("conversions").where("account_id", .equal, accountID).orderBy("id")
                .all().map(Self.conversion(from:))
        }
    }

    public func save(_ conversion: Conversion, now: Int64) async throws -> Conversion {
        try conversion.validate()
        try await database.transaction { db in
            try await db.update("conversions").set("name", to: conversion.name).set("description", to: conversion.description)
                .set("notes", to: conversion.notes).set("value", to: conversion.value).set("protocol", to: conversion.isHTTPS ? 1 : 0)
                .set("is_deleted", to: conversion.isDeleted).set("updated_at", to: now)
                .set("attribution", to: conversion.attribution.rawValue)
                .where("id", .equal, conversion.id).run()
        }
        var saved = conversion
        saved.updatedAt = now
        return saved
    }

    /// Every datapoint attached to a conversion that is not deleted (of one account, or of all).
    public func linkedDatapointIDs(accountID: Int64? = nil) async throws -> Set<Int64> {
        try await database.read { db in
            let account: SQLQueryString = accountID.map { " AND c.account_id = \(bind: $0)" } ?? ""
            return Set(
                try await db.raw(
                    """
                    SELECT DISTINCT cd.datapoint_id FROM conversion_datapoints cd JOIN conversions c ON c.id = cd.conversion_id \
                    WHERE c.is_deleted = \(bind: false)\(account)
                    """
                ).all(decodingColumn: "datapoint_id", as: Int64.self))
        }
    }

    /// Every account's links attached to one of its goals that is not deleted.
    public func linkedDatapointIDsByAccount() async throws -> [Int64: Set<Int64>] {
        try await database.read { db in
            var byAccount: [Int64: Set<Int64>] = [:]
            for row in try await db.raw(
                """
                SELECT DISTINCT c.account_id, cd.datapoint_id FROM conversion_datapoints cd JOIN conversions c ON c.id = cd.conversion_id \
                WHERE c.is_deleted = \(bind: false)
                """
            ).all() {
                byAccount[try row.decode(column: "account_id", as: Int64.self), default: []].insert(
                    try row.decode(column: "datapoint_id", as: Int64.self))
            }
            return byAccount
        }
    }

    /// The datapoints attached to the conversion.
    public func datapointIDs(conversionID: Int64) async throws -> Set<Int64> {
        try await database.read { db in
            Set(
                try await db.select().column("datapoint_id").from("conversion_datapoints").where("conversion_id", .equal, conversionID)
                    .all(decodingColumn: "datapoint_id", as: Int64.self))
        }
    }

    /// The conversions of each datapoint, in slot order (first…fifth).
    public func conversions(ofDatapoints ids: [Int64]) async throws -> [Int64: [Conversion]] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var result: [Int64: [Conversion]] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let rows = try await db.select().column(SQLColumn("datapoint_id", table: "cd"))
                    .columns(Self.columns.map { SQLColumn($0, table: "c") })
                    .from(SQLAlias(SQLIdentifier("conversion_datapoints"), as: SQLIdentifier("cd")))
                    .join(
                        SQLAlias(SQLIdentifier("conversions"), as: SQLIdentifier("c")), on: SQLColumn("id", table: "c"), .equal,
                        SQLColumn("conversion_id", table: "cd")
                    )
                    .where(SQLColumn("datapoint_id", table: "cd"), .in, SQLBind.group(chunk))
                    .orderBy(SQLColumn("attached_at", table: "cd")).orderBy(SQLColumn("conversion_id", table: "cd"))
                    .all()
                for row in rows {
                    result[try row.decode(column: "datapoint_id", as: Int64.self), default: []].append(try Self.conversion(from: row))
                }
            }
            return result
        }
    }

    public enum PatchAction: String, Sendable {
        case add
        case remove
    }

    /// Attaches or detaches a datapoint; a sixth conversion on one datapoint is refused (the wire has five slots).
    public func patch(conversionID: Int64, datapointID: Int64, action: PatchAction, now: Int64) async throws {
        try await database.transaction { db in
            let attached = try await db.select().column("conversion_id").from("conversion_datapoints")
                .where("datapoint_id", .equal, datapointID).all(decodingColumn: "conversion_id", as: Int64.self)
            switch action {
            case .add:
                guard !attached.contains(conversionID) else { return }
                guard attached.count < Conversion.maximumPerDatapoint else {
                    throw ValidationError(
                        field: "Id", code: "too_many_conversions",
                        message: "datapoint \(datapointID) already has \(Conversion.maximumPerDatapoint) conversions, the most a datapoint can have")
                }
                try await db.insert(into: "conversion_datapoints").columns("conversion_id", "datapoint_id", "attached_at")
                    .values(conversionID, datapointID, now).run()
            case .remove:
                try await db.delete(from: "conversion_datapoints").where("conversion_id", .equal, conversionID)
                    .where("datapoint_id", .equal, datapointID).run()
            }
        }
    }

    static func conversion(from row: any SQLRow) throws -> Conversion {
        Conversion(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), description: try row.decode(column: "description", as: String.self),
            notes: try row.decode(column: "notes", as: String.self), value: try row.decode(column: "value", as: Double.self),
            isHTTPS: try row.decode(column: "protocol", as: Int.self) == 1, isDeleted: try row.decode(column: "is_deleted", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self), updatedAt: try row.decode(column: "updated_at", as: Int64.self),
            attribution: Attribution(rawValue: try row.decode(column: "attribution", as: String.self)) ?? .lastClick)
    }
}
