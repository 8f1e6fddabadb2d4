import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TallyCore
import TallyStorage

/// Delivers the outbox (`WebhookOutbox`): every node, every second, claims up to 20 due messages (leased for 30 s, so
/// a node that dies mid-delivery leaves them to another), POSTs each to its webhook signed
/// (`X-ClickTally-Signature: t=…,v1=…`, see `WebhookSignature`) and records the attempt: delivered on a 2xx, else
/// retried with back-off for 24 hours. The URL is checked against the outbound rules at every delivery (DNS may have
/// changed since it was saved). A link's events go one at a time, in order.
struct WebhookDispatcher: Service {
    let webhooks: WebhookService
    let policy: OutboundPolicy
    let clock: WallClock
    let timer: any Clock<Duration>
    let interval: Duration
    let logger: Logger
    static let lease: Int64 = 30_000
    static let batch = 20
    static let timeout: TimeAmount = .seconds(10)

    init(
        webhooks: WebhookService, policy: OutboundPolicy, clock: WallClock, timer: any Clock<Duration>, interval: Duration = .seconds(1),
        logger: Logger
    ) {
        self.webhooks = webhooks
        self.policy = policy
        self.clock = clock
        self.timer = timer
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        await runPeriodically(every: interval, on: timer, logger: logger, what: "webhook delivery") {
            // Keep going while anything was due: a backlog (and a subject's queue, sent one at a time) drains at once, not
            // one round a second. Failed messages are not due again until their back-off, so this ends.
            while try await deliverDue() > 0 {}
        }
    }

    /// One round: the number of messages claimed (each delivered or rescheduled before this returns).
    @discardableResult
    func deliverDue() async throws -> Int {
        let messages = try await webhooks.outbox.claim(now: clock.now(), limit: Self.batch, lease: Self.lease)
        await withTaskGroup(of: Void.self) { group in
            for message in messages { group.addTask { await deliver(message) } }
        }
        return messages.count
    }

    /// The body a receiver gets: the event's envelope around its data.
    static func body(_ message: WebhookMessage) -> [UInt8] {
        let created = Date(timeIntervalSince1970: Double(message.createdAt) / 1000).formatted(.iso8601)
        let escapedEvent = message.event.filter { $0 != "\"" && $0 != "\\" }
        return Array(#"{"id":"evt_\#(message.id)","event":"\#(escapedEvent)","createdAt":"\#(created)","data":\#(message.payload)}"#.utf8)
    }

    func deliver(_ message: WebhookMessage) async {
        let now = clock.now()
        do {
            guard let target = try await webhooks.target(webhookID: message.webhookID) else { return }
            guard target.enabled else {
                // Disabled since it was claimed: given back, to wait (unclaimed) until the webhook is enabled.
                try await webhooks.outbox.release(message, now: now)
                return
            }
            let body = Self.body(message)
            let started = ContinuousClock.now
            var status = 0
            var failure = ""
            do {
                let url = try OutboundURL(target.url, policy: policy)
                status = try await OutboundPost.send(
                    body, to: url, policy: policy,
                    headers: [
                        ("X-ClickTally-Signature", WebhookSignature.header(body: body, secret: target.secret, at: now / 1000)),
                        ("X-ClickTally-Event", message.event), ("X-ClickTally-Delivery", "evt_\(message.id)"),
                    ], timeout: Self.timeout)
                if !(200..<300).contains(status) { failure = "answered \(status)" }
            } catch let refused as OutboundResolver.Refused {
                failure = refused.description
            } catch {
                failure = "no answer: \(String(describing: error).prefix(200))"
            }
            let elapsed = ContinuousClock.now - started
            let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            try await webhooks.outbox.record(message, statusCode: status, latencyMilliseconds: milliseconds, error: failure, now: clock.now())
        } catch {
            logger.error("could not record a webhook delivery", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
