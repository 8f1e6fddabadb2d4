import Foundation
import SQLKit
import TallyCore

/// Retargeting scripts and which links fire them.
public struct SQLRetargetingRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    static let columns = ["id", "account_id", "name", "script", "created_at", "updated_at"]

    public func create(accountID: Int64, name: String, script: String, now: Int64) async throws -> RetargetingScript {
        try RetargetingScript.validate(name: name, script: script)
        return try await database.transaction { db in
            guard
                let id = try await db.insert(into: "retargeting_scripts").columns("account_id", "name", "script", "created_at", "updated_at")
                    .values(accountID, name, script, now, now).returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: "retargeting_scripts") }
            return RetargetingScript(id: id, accountID: accountID, name: name, script: script, createdAt: now, updatedAt: now)
        }
    }

    public func find(id: Int64) async throws -> RetargetingScript? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("retargeting_scripts").where("id", .equal, id).first().map(Self.script(from:))
        }
    }

    public func list(accountID: Int64? = nil) async throws -> [RetargetingScript] {
        try await database.read { db in
            var query = db.select().columns(Self.columns).from("retargeting_scripts")
            if let accountID { query = query.where("account_id", .equal, accountID) }
            return try await query.orderBy("id").all().map(Self.script(from:))
        }
    }

    /// Saves name and script; the links that fire it are touched so every node's cache picks the change up.
    public func save(_ script: RetargetingScript, now: Int64) async throws -> RetargetingScript {
        try RetargetingScript.validate(name: script.name, script: script.script)
        try await database.transaction { db in
            try await db.update("retargeting_scripts").set("name", to: script.name).set("script", to: script.script).set("updated_at", to: now)
                .where("id", .equal, script.id).run()
            try await Self.touchLinks(db, scriptID: script.id, now: now)
        }
        var saved = script
        saved.updatedAt = now
        return saved
    }

    /// Deletes the script and detaches it from every link (ClickMeter's API v2: "also removes associations").
    public func delete(id: Int64, now: Int64) async throws {
        try await database.transaction { db in
            let linked = try await db.select().column("datapoint_id").from("datapoint_scripts").where("script_id", .equal, id)
                .all(decodingColumn: "datapoint_id", as: Int64.self)
            for datapointID in linked {
                guard
                    let text = try await db.select().column("link_options").from("datapoints").where("id", .equal, datapointID)
                        .first(decodingColumn: "link_options", as: String?.self)
                else { continue }
                var options = try SQLDatapointRepository.decodedOptions(text)
                options.scriptIDs.removeAll { $0 == id }
                try await db.update("datapoints").set("link_options", to: try SQLDatapointRepository.encoded(options))
                    .set("updated_at", to: now).where("id", .equal, datapointID).run()
            }
            try await db.delete(from: "datapoint_scripts").where("script_id", .equal, id).run()
            try await db.delete(from: "retargeting_scripts").where("id", .equal, id).run()
        }
    }

    /// Ids of the datapoints that fire the script.
    public func datapointIDs(scriptID: Int64) async throws -> Set<Int64> {
        try await database.read { db in
            Set(
                try await db.select().column("datapoint_id").from("datapoint_scripts").where("script_id", .equal, scriptID)
                    .all(decodingColumn: "datapoint_id", as: Int64.self))
        }
    }

    static func touchLinks(_ db: any SQLDatabase, scriptID: Int64, now: Int64) async throws {
        try await db.update("datapoints").set("updated_at", to: now)
            .where("id", .in, SQLSubquery.select { $0.column("datapoint_id").from("datapoint_scripts").where("script_id", .equal, scriptID) })
            .run()
    }

    static func script(from row: any SQLRow) throws -> RetargetingScript {
        RetargetingScript(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), script: try row.decode(column: "script", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self), updatedAt: try row.decode(column: "updated_at", as: Int64.self))
    }
}
