import HTTPTypes
import Hummingbird
import Logging
import TallyCore
import TallyStorage

/// Every limit a key carries, checked in one place for each request: its per-second bucket, each named limit (a
/// daily cap…), then — only when all of those let it through — one of its credits if it is usage-limited. The answer
/// reports one limit in the `X-Rate-Limit-*` headers: the one that refused, or else the tightest (fewest requests
/// left), named in `X-Rate-Limit-Policy` when the key has named limits; a usage-limited key's credits left are in
/// `X-Usage-Remaining`.
struct KeyLimitGate: Sendable {
    let limiter: RateLimiter
    let keys: KeyService

    struct Outcome {
        /// The limit reported in the headers.
        var decision: TokenBucket.Decision
        var limit: Int
        var policy: String?
        var creditsLeft: Int64?
        /// Set when the request may not pass: the refusal's code and answer.
        var refusal: (code: String, response: Response)?

        func addHeaders(to response: inout Response) {
            APIKeyMiddleware.addRateHeaders(decision, limit: limit, to: &response)
            if let policy { response.headers[.rateLimitPolicy] = policy }
            if let creditsLeft { response.headers[.usageRemaining] = String(creditsLeft) }
        }
    }

    func admit(_ key: APIKey, now: Int64, logger: Logger) async -> Outcome {
        var checked = [
            (
                name: "rate", limit: key.burst,
                decision: await limiter.take("key \(key.id)", rate: Double(key.ratePerSecond), burst: key.burst, now: now)
            )
        ]
        for limit in key.limits {
            let decision = await limiter.take("key \(key.id) \(limit.name)", rate: limit.rate, burst: limit.requests, now: now)
            checked.append((limit.name, limit.requests, decision))
        }
        // `X-Rate-Limit-Policy` only when there is a choice to name.
        func policy(_ name: String) -> String? { key.limits.isEmpty ? nil : name }
        // The client must wait for every refusing limit: report the one with the longest wait.
        if let refusing = checked.filter({ !$0.decision.allowed }).max(by: { $0.decision.retryAfterSeconds < $1.decision.retryAfterSeconds }) {
            let message =
                refusing.name == "rate"
                ? "rate limit of \(key.ratePerSecond) requests a second exceeded"
                : "the key's limit \"\(refusing.name)\" of \(refusing.limit) requests is spent"
            return Outcome(
                decision: refusing.decision, limit: refusing.limit, policy: policy(refusing.name),
                refusal: ("rate_limited", APIKeyMiddleware.tooMany(refusing.decision, message: message)))
        }
        let tightest = checked.min { ($0.decision.remaining, -$0.decision.resetSeconds) < ($1.decision.remaining, -$1.decision.resetSeconds) }!
        var outcome = Outcome(decision: tightest.decision, limit: tightest.limit, policy: policy(tightest.name))
        guard key.usageLimited else { return outcome }
        do {
            switch try await keys.spendCredit(of: key) {
            case .spent(let remaining):
                outcome.creditsLeft = remaining
            case .exhausted(let refillAt):
                outcome.creditsLeft = 0
                var headers: HTTPFields = [:]
                if let refillAt { headers[.retryAfter] = String(max(1, (refillAt - now + 999) / 1000)) }
                let message =
                    refillAt == nil ? "the key has no requests left" : "the key has no requests left until its next refill"
                outcome.refusal = ("usage_exceeded", ErrorBody.response(.tooManyRequests, code: "usage_exceeded", message: message, headers: headers))
            }
        } catch {
            logger.error("could not spend a usage-limited key's request", metadata: ["error": "\(String(reflecting: error))"])
            outcome.refusal = (
                "usage_unavailable",
                ErrorBody.response(
                    .serviceUnavailable, code: "usage_unavailable", message: "the key's remaining requests cannot be counted now; try again",
                    headers: [.retryAfter: "1"])
            )
        }
        return outcome
    }
}

extension HTTPField.Name {
    static let rateLimitPolicy = Self("X-Rate-Limit-Policy")!
    static let usageRemaining = Self("X-Usage-Remaining")!
}
