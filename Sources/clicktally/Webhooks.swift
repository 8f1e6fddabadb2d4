import ArgumentParser
import Foundation
import TallyCore
import TallyHTTP

struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Event webhooks of an account (docs/webhooks.md). The signing secret is printed once, at creation.",
        subcommands: [Create.self, List.self, Delete.self])

    struct Create: AsyncParsableCommand {
        @Option(help: "E-mail of a user of the account.") var email: String
        @Option(help: "Where events are POSTed (http or https, not inside).") var url: String
        @Option(help: "An event to send (repeatable): \(WebhookEvent.allCases.map(\.rawValue).joined(separator: ", ")).") var event: [String] = []
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (webhook, secret) = try await Runner.admin(options) { admin, database in
                try await admin.createWebhook(email: email, url: url, events: event, database: database)
            }
            print(secret)
            FileHandle.standardError.write(
                Data("webhook \(webhook.id) created. Store its signing secret now: it will not be shown again.\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        @Option(help: "E-mail of a user of the account.") var email: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            for webhook in try await Runner.admin(options, { admin, database in try await admin.listWebhooks(email: email, database: database) }) {
                print(
                    "\(webhook.id)\t\(webhook.enabled ? "enabled" : "disabled")\t\(webhook.url)\t\(webhook.events.map(\.rawValue).joined(separator: ","))"
                )
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        @Option(help: "E-mail of a user of the account.") var email: String
        @Argument(help: "The webhook's id.") var id: Int64
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            try await Runner.admin(options) { admin, database in try await admin.deleteWebhook(email: email, id: id, database: database) }
        }
    }
}
