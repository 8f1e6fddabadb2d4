import Synchronization
import TallyCore

/// A rate limit that holds for the cluster: each node spends tokens leased from the shared bucket (`SQLRateBuckets`)
/// and asks for more only when its lease is spent, so a key making 100 requests a second costs a few leases a second,
/// not 100 round trips. Nothing is handed out twice: every token spent was taken from the shared bucket first, so the
/// cluster as a whole lets through at most the bucket's rate and burst, plus the tokens other nodes leased and did not
/// spend yet (at most one lease each; a lease is `leaseSize`, a thirtieth of the rate, so three nodes' leases stay
/// under 10 % of it, or a thousandth of the burst, and a lease unspent after `leaseLifetime` is dropped rather than spent late on top of a full bucket).
///
/// When the shared bucket is empty the node remembers until when (the time one token takes), and refuses from memory
/// until then: a client hammering a spent limit costs no round trip per request either.
///
/// At most `capacity` names are remembered, least recently used out (a forgotten name leases again: its next request
/// costs one round trip, nothing else).
public final class SharedRateLimiter: Sendable {
    struct Held {
        var rate: Double
        var burst: Int
        /// Leased tokens not spent yet, and until when they may be.
        var tokens = 0
        var expires: Int64 = 0
        /// Until when the shared bucket is known to be empty, and when this node last found it so.
        var emptyUntil: Int64 = 0
        var lastEmpty: Int64 = 0
        /// When this node last took a token of this name.
        var lastTaken: Int64 = 0
        /// What the shared bucket held after the last lease (for the rate-limit headers).
        var sharedLeft: Double
    }

    public static let leaseLifetime: Int64 = 1_000
    private let held: Mutex<LRUCache<String, Held>>
    let buckets: SQLRateBuckets

    public init(database: any TallyDatabase, capacity: Int = 100_000) {
        buckets = SQLRateBuckets(database: database)
        held = Mutex(LRUCache(capacity: capacity))
    }

    /// Tokens asked for at a time: a thirtieth of the rate, or a thousandth of a large burst (an address allowed a
    /// million failures leases a thousand at a time, not one per failure); one for small limits, which stay exact.
    public static func leaseSize(rate: Double, burst: Int) -> Int {
        max(1, Int(min(rate, Double(burst)) / 30), burst / 1_000)
    }

    /// Takes a token: from this node's lease, else from a new lease. Throws when the database cannot be reached.
    public func take(_ name: String, rate: Double, burst: Int, now: Int64) async throws -> TokenBucket.Decision {
        let rate = max(0.001, rate)
        let local: TokenBucket.Decision? = held.withLock { held in
            var state = Self.current(held.get(name), rate: rate, burst: burst, now: now)
            defer { held.set(name, state) }
            if state.tokens > 0, now < state.expires {
                state.tokens -= 1
                state.lastTaken = now
                return Self.allowed(state, now: now)
            }
            if now < state.emptyUntil { return Self.refused(state, now: now) }
            return nil
        }
        if let local { return local }
        let lease = try await buckets.lease(name, rate: rate, burst: burst, want: Self.leaseSize(rate: rate, burst: burst), now: now)
        return held.withLock { held in
            var state = Self.current(held.get(name), rate: rate, burst: burst, now: now)
            defer { held.set(name, state) }
            state.sharedLeft = lease.tokensLeft
            if lease.granted > 0 {
                state.lastTaken = now
                // Tokens another request of this node leased meanwhile are kept; the new ones replace expired ones.
                state.tokens = (now < state.expires ? state.tokens : 0) + lease.granted - 1
                state.expires = now + Self.leaseLifetime
            }
            Self.note(lease.tokensLeft, in: &state, now: now)
            return lease.granted > 0 ? Self.allowed(state, now: now) : Self.refused(state, now: now)
        }
    }

    /// Whether a take would be refused, without taking: for a throttle that takes only on failure (failed
    /// authentication), asked before the attempt is checked. From memory while this node holds tokens, knows the bucket
    /// empty, or has not taken from it nor found it empty for a full refill (an address that is not failing costs no round
    /// trip); from the shared bucket otherwise (a failing address), so the last of the budget and each token refilled
    /// let one attempt through across the cluster, not one per node.
    public func check(_ name: String, rate: Double, burst: Int, now: Int64) async throws -> TokenBucket.Decision {
        let rate = max(0.001, rate)
        let refill = Int64(Double(burst) / rate * 1000)
        let known: TokenBucket.Decision? = held.withLock { held in
            let state = Self.current(held.peek(name), rate: rate, burst: burst, now: now)
            if state.tokens > 0, now < state.expires { return Self.allowed(state, now: now) }
            if now < state.emptyUntil { return Self.refused(state, now: now) }
            let recent = max(state.lastEmpty, state.lastTaken)
            if recent == 0 || now - recent > refill { return Self.allowed(state, now: now) }
            return nil
        }
        if let known { return known }
        let lease = try await buckets.lease(name, rate: rate, burst: burst, want: 0, now: now)
        return held.withLock { held in
            var state = Self.current(held.get(name), rate: rate, burst: burst, now: now)
            defer { held.set(name, state) }
            state.sharedLeft = lease.tokensLeft
            Self.note(lease.tokensLeft, in: &state, now: now)
            return lease.tokensLeft >= 1 ? Self.allowed(state, now: now) : Self.refused(state, now: now)
        }
    }

    /// Remembers an empty shared bucket (nothing held, less than a token left) until one token is back.
    private static func note(_ left: Double, in state: inout Held, now: Int64) {
        guard state.tokens == 0 || now >= state.expires, left < 1 else {
            state.emptyUntil = 0
            return
        }
        state.emptyUntil = now + max(1, Int64(((1 - left) / state.rate * 1000).rounded(.up)))
        state.lastEmpty = now
    }

    private static func current(_ state: Held?, rate: Double, burst: Int, now: Int64) -> Held {
        guard let state, state.rate == rate, state.burst == burst else {
            return Held(rate: rate, burst: burst, sharedLeft: Double(burst))
        }
        return state
    }

    private static func allowed(_ state: Held, now: Int64) -> TokenBucket.Decision {
        let holding = now < state.expires ? state.tokens : 0
        let missing = max(0, Double(state.burst) - state.sharedLeft - Double(holding))
        return TokenBucket.Decision(
            allowed: true, remaining: holding + Int(state.sharedLeft.rounded(.down)),
            resetSeconds: Int((missing / state.rate).rounded(.up)), retryAfterSeconds: 0)
    }

    private static func refused(_ state: Held, now: Int64) -> TokenBucket.Decision {
        let wait = Int((Double(max(1, state.emptyUntil - now)) / 1000).rounded(.up))
        return TokenBucket.Decision(
            allowed: false, remaining: 0, resetSeconds: Int((Double(state.burst) / state.rate).rounded(.up)),
            retryAfterSeconds: max(1, wait))
    }
}
