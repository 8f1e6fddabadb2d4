import Foundation
import Logging
import TallyCore
import TallyStorage

/// Where a key alert goes: the account's own webhook (set in the dashboard's settings) or else `--alert-webhook-url`.
/// Looked up when an alert fires (rare), so every node sees a change at once.
struct AlertWebhooks: Sendable {
    let fallback: WebhookSender?
    let accounts: AccountService
    let logger: Logger

    func send(_ alert: KeyAlert, publicID: String?) {
        Task {
            var sender = fallback
            if let accountID = alert.accountID, let own = try? await accounts.alertWebhook(accountID: accountID), let url = URL(string: own.url) {
                sender = WebhookSender(url: url, secret: own.secret, logger: logger)
            }
            sender?.send(alert, publicID: publicID)
        }
    }
}
