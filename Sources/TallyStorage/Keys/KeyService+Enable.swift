import SQLKit
import TallyCore

extension KeyService {
    /// Enables a key the policy disabled for going unused: it works again, and its staleness counts from now. Only an
    /// actor covering the key may (a disabled key is refused, so it cannot enable itself).
    public func enable(publicID: String, accountID: Int64, by actor: Actor) async throws -> APIKey {
        let now = clock.now()
        let (keys, events) = (keys, events)
        return try await auditingRefusal(.update(allowedNetworks: nil), publicID: publicID, accountID: accountID, by: actor) { db in
            guard var key = try await keys.find(publicID: publicID, in: db), key.accountID == accountID else { throw KeyError.notFound }
            try Self.check(.update(allowedNetworks: nil), key, by: actor)
            guard key.status == .disabled else { throw KeyError.notDisabled }
            key.status = .active
            key.enabledAt = now
            key.updatedAt = now
            try await keys.save(key, in: db)
            try await events.add(
                AuditEntry(accountID: accountID, keyID: key.id, event: "enabled", actor: actor.name, clientIP: actor.clientIP, createdAt: now),
                in: db)
            return key
        }
    }
}
