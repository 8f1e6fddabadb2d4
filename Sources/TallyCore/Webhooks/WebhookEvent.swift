import Crypto
import Foundation

/// The events an account's webhooks can subscribe to, as peers' link platforms name them.
public enum WebhookEvent: String, Sendable, CaseIterable, Codable {
    /// Clicks, batched: one event carries the clicks the hit writer recorded in one batch (at most about a second).
    case linkClicked = "link.clicked"
    case linkCreated = "link.created"
    case linkUpdated = "link.updated"
    case linkDeleted = "link.deleted"
    case conversionCreated = "conversion.created"
    case keyCreated = "key.created"
    case keyRotated = "key.rotated"
    case keyRevoked = "key.revoked"
    case keyExpiring = "key.expiring"
    case keyStale = "key.stale"
    case alertRaised = "alert.raised"

    /// `link.clicked,key.revoked` → the events; an unknown name is a 400 naming it.
    public static func parseList(_ names: [String]) throws(ValidationError) -> [WebhookEvent] {
        var events: [WebhookEvent] = []
        for name in names {
            guard let event = WebhookEvent(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError(
                    field: "events", code: "event_unknown",
                    message: "unknown event \(name); events are \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if !events.contains(event) { events.append(event) }
        }
        guard !events.isEmpty else { throw ValidationError(field: "events", code: "events_empty", message: "choose at least one event") }
        return events
    }
}

/// How a delivery is signed, so a receiver can tell it came from this server and is not a replay:
/// `X-ClickTally-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook's secret>`.
/// The receiver recomputes the HMAC over the timestamp it was given and the raw body, compares in constant time, and
/// refuses a timestamp older than its tolerance (five minutes is usual).
public enum WebhookSignature {
    public static func header(body: [UInt8], secret: String, at seconds: Int64) -> String {
        "t=\(seconds),v1=\(hex(body: body, secret: secret, at: seconds))"
    }

    public static func hex(body: [UInt8], secret: String, at seconds: Int64) -> String {
        var message = Array("\(seconds).".utf8)
        message.append(contentsOf: body)
        return HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// A receiver's check: the header parses, the timestamp is within `tolerance` seconds of `now`, the MAC matches.
    public static func verify(header: String, body: [UInt8], secret: String, now: Int64, tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?
        var mac: String?
        for part in header.split(separator: ",") {
            if part.hasPrefix("t=") { timestamp = Int64(part.dropFirst(2)) }
            if part.hasPrefix("v1=") { mac = String(part.dropFirst(3)) }
        }
        guard let timestamp, let mac, abs(now - timestamp) <= tolerance else { return false }
        let expected = hex(body: body, secret: secret, at: timestamp)
        guard expected.utf8.count == mac.utf8.count else { return false }
        return zip(expected.utf8, mac.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// When a failed delivery is tried again: 10 s, 20 s, 40 s … doubling up to an hour between tries, for 24 hours after
/// the event, then given up (and shown as failed, redeliverable by hand).
public enum WebhookRetry {
    public static let giveUpAfter: Int64 = 24 * 3_600_000

    public static func delay(afterAttempts attempts: Int) -> Int64 {
        min(3_600_000, 10_000 << Int64(min(max(attempts - 1, 0), 20)))
    }
}
