import Logging
import Synchronization
import TallyCore
import TallyStorage

/// Token buckets by name (a key id, a client address). On one node (SQLite) they live in this node's memory; on
/// PostgreSQL they are the cluster's (`SharedRateLimiter`: tokens leased from a bucket in the database), so three
/// nodes behind a balancer let through the limit once, not three times. When the database cannot be reached the
/// node falls back to its own buckets (each node then enforces the limit on what it sees) rather than refusing
/// every request or letting every request through.
///
/// At most `capacity` buckets in memory: the least recently used goes first (an idle address's bucket, long since
/// full again), never a throttled client's.
final class RateLimiter: Sendable {
    private let buckets: Mutex<LRUCache<String, TokenBucket>>
    let shared: SharedRateLimiter?
    let logger: Logger

    init(shared: SharedRateLimiter? = nil, capacity: Int = 100_000, logger: Logger = Logger(label: "clicktally.ratelimit")) {
        buckets = Mutex(LRUCache(capacity: capacity))
        self.shared = shared
        self.logger = logger
    }

    /// Takes a token from `name`'s bucket, created full (`rate`, `burst`) on first use or when the limits changed.
    func take(_ name: String, rate: Double, burst: Int, now: Int64) async -> TokenBucket.Decision {
        await decide(name, rate: rate, burst: burst, now: now, shared: { try await $0.take(name, rate: rate, burst: burst, now: now) }) {
            $0.take(now: now)
        }
    }

    /// The bucket's state without taking (`SharedRateLimiter.check`: from memory unless the name was failing lately).
    func peek(_ name: String, rate: Double, burst: Int, now: Int64) async -> TokenBucket.Decision {
        await decide(name, rate: rate, burst: burst, now: now, shared: { try await $0.check(name, rate: rate, burst: burst, now: now) }) {
            $0.peek(now: now)
        }
    }

    private func decide(
        _ name: String, rate: Double, burst: Int, now: Int64, shared ask: (SharedRateLimiter) async throws -> TokenBucket.Decision,
        local: (inout TokenBucket) -> TokenBucket.Decision
    ) async -> TokenBucket.Decision {
        if let shared {
            do {
                return try await ask(shared)
            } catch {
                logger.warning("the shared rate limits are unreachable; this node limits on its own", metadata: ["error": "\(error)"])
            }
        }
        return update(name, rate: rate, burst: burst, now: now, local)
    }

    private func update(
        _ name: String, rate: Double, burst: Int, now: Int64, _ body: (inout TokenBucket) -> TokenBucket.Decision
    ) -> TokenBucket.Decision {
        buckets.withLock { buckets in
            var bucket = buckets.get(name) ?? TokenBucket(rate: rate, burst: Double(burst), now: now)
            if bucket.rate != rate || bucket.burst != Double(burst) {
                bucket = TokenBucket(rate: rate, burst: Double(burst), now: now)
            }
            let decision = body(&bucket)
            buckets.set(name, bucket)
            return decision
        }
    }
}

/// Remembers when an alert of a kind was last raised for a subject, so a misbehaving client raises one alert
/// an hour, not one a request.
final class AlertThrottle: Sendable {
    private let last = Mutex(LRUCache<String, Int64>(capacity: 100_000))
    let interval: Int64 = 3_600_000

    func shouldRaise(_ subject: String, now: Int64) -> Bool {
        last.withLock { last in
            if let previous = last.get(subject), now - previous < interval { return false }
            last.set(subject, now)
            return true
        }
    }
}
