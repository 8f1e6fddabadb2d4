import Foundation
import SQLKit
import TallyCore

/// Guests of an account and what is shared with them.
public struct SQLGuestRepository: Sendable {
    let database: any TallyDatabase

    public init(database: any TallyDatabase) {
        self.database = database
    }

    static let columns = [
        "id", "account_id", "name", "email", "user_name", "notes", "allow_all_grants", "allow_group_creation", "created_at", "updated_at",
        "preferences",
    ]

    public func create(_ guest: Guest, now: Int64) async throws -> Guest {
        try guest.validate()
        return try await database.transaction { db in
            try await Self.requireFreeUserName(db, guest)
            guard
                let id = try await db.insert(into: "guests").columns(Array(Self.columns.dropFirst()))
                    .values(
                        guest.accountID, guest.name, guest.email, guest.userName, guest.notes, guest.allowAllGrants, guest.allowGroupCreation, now,
                        now, try Self.encoded(guest.preferences)
                    )
                    .returning("id").first(decodingColumn: "id", as: Int64.self)
            else { throw StorageError.missingInsertID(table: "guests") }
            var created = guest
            created.id = id
            created.createdAt = now
            created.updatedAt = now
            return created
        }
    }

    public func find(id: Int64) async throws -> Guest? {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("guests").where("id", .equal, id).first().map(Self.guest(from:))
        }
    }

    public func list(accountID: Int64) async throws -> [Guest] {
        try await database.read { db in
            try await db.select().columns(Self.columns).from("guests").where("account_id", .equal, accountID).orderBy("id").all()
                .map(Self.guest(from:))
        }
    }

    public func save(_ guest: Guest, now: Int64) async throws -> Guest {
        try guest.validate()
        try await database.transaction { db in
            try await Self.requireFreeUserName(db, guest)
            try await db.update("guests").set("name", to: guest.name).set("email", to: guest.email).set("user_name", to: guest.userName)
                .set("notes", to: guest.notes).set("allow_all_grants", to: guest.allowAllGrants)
                .set("allow_group_creation", to: guest.allowGroupCreation).set("updated_at", to: now)
                .set("preferences", to: try Self.encoded(guest.preferences))
                .where("id", .equal, guest.id).run()
        }
        var saved = guest
        saved.updatedAt = now
        return saved
    }

    /// Removes the guest and their grants, and revokes their keys at once (every node's key cache sees the change).
    public func delete(id: Int64, now: Int64) async throws {
        try await database.transaction { db in
            try await db.update("api_keys").set("status", to: APIKey.Status.revoked.rawValue).set("revoked_at", to: now)
                .set("updated_at", to: now).where("guest_id", .equal, id).where("status", .equal, APIKey.Status.active.rawValue).run()
            try await db.update("api_keys").set("guest_id", to: Int64?.none).where("guest_id", .equal, id).run()
            try await db.delete(from: "guest_grants").where("guest_id", .equal, id).run()
            try await db.delete(from: "guests").where("id", .equal, id).run()
        }
    }

    public func grants(guestID: Int64) async throws -> [GuestGrant] {
        try await database.read { db in
            try await db.select().columns("entity_type", "entity_id", "verb").from("guest_grants").where("guest_id", .equal, guestID)
                .orderBy("entity_type").orderBy("entity_id").all()
                .compactMap { row in
                    guard let type = GuestGrant.EntityType(rawValue: try row.decode(column: "entity_type", as: String.self)),
                        let verb = GuestGrant.Verb(rawValue: try row.decode(column: "verb", as: String.self))
                    else { return nil }
                    return GuestGrant(entityType: type, entityID: try row.decode(column: "entity_id", as: Int64.self), verb: verb)
                }
        }
    }

    /// Shares (or, with `remove`, stops sharing) one datapoint or group; sharing again replaces the verb.
    public func setGrant(guestID: Int64, _ grant: GuestGrant, remove: Bool) async throws {
        try await database.transaction { db in
            try await db.delete(from: "guest_grants").where("guest_id", .equal, guestID)
                .where("entity_type", .equal, grant.entityType.rawValue).where("entity_id", .equal, grant.entityID).run()
            guard !remove else { return }
            try await db.insert(into: "guest_grants").columns("guest_id", "entity_type", "entity_id", "verb")
                .values(guestID, grant.entityType.rawValue, grant.entityID, grant.verb.rawValue).run()
        }
    }

    /// What the authorization check needs for a guest's key; `nil` when the guest no longer exists.
    public func access(guestID: Int64) async throws -> GuestAccess? {
        guard let guest = try await find(id: guestID) else { return nil }
        return GuestAccess(
            guestID: guest.id, allowAll: guest.allowAllGrants, allowGroupCreation: guest.allowGroupCreation,
            grants: try await grants(guestID: guestID))
    }

    static func requireFreeUserName(_ db: any SQLDatabase, _ guest: Guest) async throws {
        let taken = try await db.select().column("id").from("guests").where("account_id", .equal, guest.accountID)
            .where("user_name", .equal, guest.userName).where("id", .notEqual, guest.id).first()
        if taken != nil {
            throw ValidationError(field: "UserName", code: "username_taken", message: "another guest of this account has that UserName")
        }
    }

    static func encoded(_ preferences: GuestPreferences) throws -> String {
        String(decoding: try JSONEncoder().encode(preferences), as: UTF8.self)
    }

    static func guest(from row: any SQLRow) throws -> Guest {
        var guest = Guest(
            id: try row.decode(column: "id", as: Int64.self), accountID: try row.decode(column: "account_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), email: try row.decode(column: "email", as: String.self),
            userName: try row.decode(column: "user_name", as: String.self), notes: try row.decode(column: "notes", as: String.self),
            allowAllGrants: try row.decode(column: "allow_all_grants", as: Bool.self),
            allowGroupCreation: try row.decode(column: "allow_group_creation", as: Bool.self),
            createdAt: try row.decode(column: "created_at", as: Int64.self), updatedAt: try row.decode(column: "updated_at", as: Int64.self))
        // Rows from before migration 12 hold `{}`: every preference at its default.
        let text = try row.decode(column: "preferences", as: String.self)
        guest.preferences = (try? JSONDecoder().decode(GuestPreferences.self, from: Data(text.utf8))) ?? GuestPreferences()
        return guest
    }
}
