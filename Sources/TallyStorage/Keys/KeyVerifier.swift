import Synchronization
import TallyCore

/// Verifies presented keys: parse and checksum (no lookup) → the key by public id, from a short-lived cache →
/// the verification rules. Entries live `cacheLifetime` (2 s), so a revocation or rotation made on any node
/// sharing the database is honoured everywhere within that time; a cached valid key costs one HMAC.
public final class KeyVerifier: Sendable {
    let repository: SQLAPIKeyRepository
    let hasher: APIKeyHasher
    let clock: WallClock
    let cacheLifetime: Int64
    /// At most 100,000 ids, the least recently used forgotten first (a flood of made-up ids evicts only itself).
    private let cache = Mutex(LRUCache<String, CachedKey>(capacity: 100_000))

    struct CachedKey: Sendable {
        let key: APIKey?
        let loadedAt: Int64
    }
    /// Compared against when the id is unknown, so an unknown id takes as long as a wrong secret.
    private let dummyHash: String

    public init(repository: SQLAPIKeyRepository, hasher: APIKeyHasher, clock: WallClock, cacheLifetime: Int64 = 2_000) {
        self.repository = repository
        self.hasher = hasher
        self.clock = clock
        self.cacheLifetime = cacheLifetime
        self.dummyHash = hasher.hash(secret: APIKeyToken.generate().secret)
    }

    public struct Outcome: Sendable {
        public let verdict: APIKeyVerdict
        /// The key named by the presented id, when there is one (also when refused: alerts need it).
        public let key: APIKey?
    }

    public func verify(_ text: String, clientIP: IPAddress?) async throws -> Outcome {
        guard let token = APIKeyToken(parsing: text) else { return Outcome(verdict: .refused(.malformed), key: nil) }
        let now = clock.now()
        guard let key = try await key(publicID: token.publicID, now: now) else {
            _ = hasher.matches(secret: token.secret, storedHash: dummyHash)
            return Outcome(verdict: .refused(.unknown), key: nil)
        }
        return Outcome(verdict: key.verify(token, clientIP: clientIP, now: now, hasher: hasher), key: key)
    }

    private func key(publicID: String, now: Int64) async throws -> APIKey? {
        if let cached = cache.withLock({ $0.get(publicID) }), now - cached.loadedAt < cacheLifetime { return cached.key }
        let loaded = try await repository.find(publicID: publicID)
        cache.withLock { cache in
            // Unknown ids are cached too (briefly), so made-up keys with valid checksums cannot hammer the database.
            _ = cache.set(publicID, CachedKey(key: loaded, loadedAt: now))
        }
        return loaded
    }

    /// Forgets a key at once on this node (after a change made here, or announced by another node).
    public func invalidate(publicID: String) {
        cache.withLock { $0.remove(publicID) }
    }

    /// Forgets every key (announcements may have been missed: each is read again when next presented).
    public func invalidateAll() {
        cache.withLock { $0 = LRUCache(capacity: $0.capacity) }
    }
}
