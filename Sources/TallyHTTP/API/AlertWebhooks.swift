import Foundation
import Logging
import TallyCore
import TallyStorage

/// Where a key alert goes: the account's own webhook (set in the dashboard's settings) or else `--alert-webhook-url`.
/// Looked up when an alert fires (rare), so every node sees a change at once.
struct AlertWebhooks: Sendable {
    let fallback: WebhookSender?
    let accounts: AccountService
    /// What an account's own webhook may reach (never inside, unless a test allows loopback).
    let policy: OutboundPolicy
    let logger: Logger

    func send(_ alert: KeyAlert, publicID: String?) {
        Task {
            var sender = fallback
            if let accountID = alert.accountID, let own = try? await accounts.alertWebhook(accountID: accountID) {
                // Checked again here, not only when it was saved: stored before this rule, or saved under another policy.
                guard let url = try? OutboundURL(own.url, policy: policy) else {
                    logger.warning("alert webhook of account \(accountID) not sent: its URL points inside")
                    return
                }
                sender = WebhookSender(url: url, secret: own.secret, policy: policy, logger: logger)
            }
            sender?.send(alert, publicID: publicID)
        }
    }
}
