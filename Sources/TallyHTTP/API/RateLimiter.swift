import Synchronization
import TallyCore

/// Token buckets by name (a key id, a client address), in this node's memory. With several nodes behind a
/// load balancer each enforces the limit on the requests it sees. At most `capacity` buckets: the least recently
/// used goes first (an idle address's bucket, long since full again), never a throttled client's.
final class RateLimiter: Sendable {
    private let buckets: Mutex<LRUCache<String, TokenBucket>>

    init(capacity: Int = 100_000) {
        buckets = Mutex(LRUCache(capacity: capacity))
    }

    /// Takes a token from `name`'s bucket, created full (`rate`, `burst`) on first use or when the limits changed.
    func take(_ name: String, rate: Int, burst: Int, now: Int64) -> TokenBucket.Decision {
        update(name, rate: rate, burst: burst, now: now) { $0.take(now: now) }
    }

    /// The bucket's state without taking.
    func peek(_ name: String, rate: Int, burst: Int, now: Int64) -> TokenBucket.Decision {
        update(name, rate: rate, burst: burst, now: now) { $0.peek(now: now) }
    }

    private func update(
        _ name: String, rate: Int, burst: Int, now: Int64, _ body: (inout TokenBucket) -> TokenBucket.Decision
    ) -> TokenBucket.Decision {
        buckets.withLock { buckets in
            var bucket = buckets.get(name) ?? TokenBucket(rate: Double(rate), burst: Double(burst), now: now)
            if bucket.rate != Double(rate) || bucket.burst != Double(burst) {
                bucket = TokenBucket(rate: Double(rate), burst: Double(burst), now: now)
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
