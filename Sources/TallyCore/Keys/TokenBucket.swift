/// A token bucket: `rate` tokens a second, at most `burst` saved up. Pure; the caller keeps one per key or IP.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Int64

    public init(rate: Double, burst: Double, now: Int64) {
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updatedAt = now
    }

    public struct Decision: Sendable, Equatable {
        public let allowed: Bool
        /// Whole tokens left after this request.
        public let remaining: Int
        /// Seconds until the bucket is full again (`X-Rate-Limit-Reset`).
        public let resetSeconds: Int
        /// Seconds until one token is available, when refused (`Retry-After`).
        public let retryAfterSeconds: Int

        public init(allowed: Bool, remaining: Int, resetSeconds: Int, retryAfterSeconds: Int) {
            self.allowed = allowed
            self.remaining = remaining
            self.resetSeconds = resetSeconds
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// Takes one token if there is one. `now` in milliseconds.
    public mutating func take(now: Int64) -> Decision {
        refill(now: now)
        let allowed = tokens >= 1
        if allowed { tokens -= 1 }
        return decision(allowed: allowed)
    }

    /// The state without taking anything (for failed-authentication throttling, which only counts failures).
    public mutating func peek(now: Int64) -> Decision {
        refill(now: now)
        return decision(allowed: tokens >= 1)
    }

    private mutating func refill(now: Int64) {
        if now > updatedAt {
            tokens = min(burst, tokens + Double(now - updatedAt) / 1000 * rate)
            updatedAt = now
        }
    }

    private func decision(allowed: Bool) -> Decision {
        let missing = burst - tokens
        return Decision(
            allowed: allowed, remaining: max(0, Int(tokens.rounded(.down))), resetSeconds: Int((missing / rate).rounded(.up)),
            retryAfterSeconds: allowed ? 0 : max(1, Int(((1 - tokens) / rate).rounded(.up))))
    }
}
