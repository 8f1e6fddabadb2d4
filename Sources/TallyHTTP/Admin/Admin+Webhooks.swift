import TallyCore
import TallyStorage

/// Event webhooks from the CLI: the same `WebhookService` and outbound rules as `/v2/webhooks` and the dashboard.
extension Admin {
    public func createWebhook(email: String, url: String, events: [String], database: any TallyDatabase) async throws -> (Webhook, String) {
        let (service, accountID) = try await webhookService(email: email, database)
        _ = try OutboundURL(url, policy: OutboundPolicy(allowLoopback: configuration.outboundAllowLoopback))
        return try await service.create(accountID: accountID, url: url, events: try WebhookEvent.parseList(events), createdBy: "cli \(email)")
    }

    public func listWebhooks(email: String, database: any TallyDatabase) async throws -> [Webhook] {
        let (service, accountID) = try await webhookService(email: email, database)
        return try await service.list(accountID: accountID)
    }

    public func deleteWebhook(email: String, id: Int64, database: any TallyDatabase) async throws {
        let (service, accountID) = try await webhookService(email: email, database)
        guard try await service.delete(id: id, accountID: accountID) else {
            throw ValidationError(field: "id", code: "webhook_unknown", message: "the account of \(email) has no webhook \(id)")
        }
    }

    private func webhookService(email: String, _ database: any TallyDatabase) async throws -> (WebhookService, Int64) {
        try await prepareSchema(configuration: configuration, database: database, clock: clock, logger: logger)
        guard let user = try await AccountService(database: database).user(email: email) else {
            throw ValidationError(field: "email", code: "user_unknown", message: "no user with e-mail \(email)")
        }
        let secret = try KeyPepper.load(configured: configuration.keyPepper, dataDirectory: configuration.dataDirectory)
        return (WebhookService(database: database, serverSecret: secret, clock: clock), user.accountID)
    }
}
