import ArgumentParser
import Foundation
import TallyCore
import TallyHTTP
import TallyStorage

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create users (each with an account of its own, or in an existing one).", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; the password is prompted for, or read from standard input.")

        @Option(help: "The user's e-mail address (their login).") var email: String
        @Option(help: "Join this existing account instead of creating one.") var account: Int64?
        @Option(help: "owner, admin, member or read-only (default: owner of a new account, member of an existing one).") var role: String?
        @Flag(help: "Read the password from standard input (first line) instead of prompting.") var passwordStdin = false
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let password: String
            if passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
            } else {
                guard let typed = getpass("Password: ") else { throw CommandFailure(description: "no password given") }
                password = String(cString: typed)
            }
            let parsedRole = try role.map { text in
                guard let parsed = DashboardRole(rawValue: text) else {
                    throw CommandFailure(description: "--role must be owner, admin, member or read-only")
                }
                return parsed
            }
            let user = try await Runner.admin(options) { admin, database in
                try await admin.createUser(email: email, password: password, accountID: account, role: parsedRole, database: database)
            }
            print("created user \(user.email) (id \(user.id)) in account \(user.accountID)")
        }
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and manage API keys. The full key is printed once, at creation or rotation.",
        subcommands: [Create.self, List.self, Show.self, Rotate.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        @Option(help: "E-mail of the user whose account the key acts for.") var email: String
        @Option(help: "A name to recognise the key by.") var name: String
        @Option(help: "read-only, read-write, admin, or a comma-separated list of resource:access.") var scopes: String
        @Option(help: "Expire after this long: 90d, 24h, 30m.") var expiresIn: String?
        @Option(help: "Allow only this CIDR (repeatable).") var allowIp: [String] = []
        @Option(help: "Restrict to this group id (repeatable).") var group: [Int64] = []
        @Option(help: "standard (default), or guid: ClickMeter's GUID shape for old clients (weaker: 80-bit secret).") var format = "standard"
        @Option(help: "Requests a second the key may make (default 10).") var rate: Int?
        @Option(help: "Requests the key may make at once before the rate applies (default 20).") var burst: Int?
        @Option(help: "A named limit, name:requests:seconds, e.g. daily:50000:86400 (repeatable, up to 5).") var limit: [String] = []
        @Option(help: "Make the key usage-limited: the requests it may make in all (or until its refill).") var usage: Int64?
        @Option(help: "Set a usage-limited key's requests back to an amount each UTC day or month: 1000/day, 50000/month.")
        var refill: String?
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            var request = Admin.KeyRequest(email: email, name: name, scopes: scopes)
            request.limits = limit
            request.usage = usage
            request.refill = refill
            request.expiresIn = expiresIn
            request.allowIP = allowIp
            request.groups = group
            request.ratePerSecond = rate
            request.burst = burst
            guard let keyFormat = APIKeyToken.Format(rawValue: format) else { throw ValidationError("--format must be standard or guid") }
            request.format = keyFormat
            let finished = request
            let (key, fullKey) = try await Runner.admin(options) { admin, database in try await admin.createKey(finished, database: database) }
            print(fullKey)
            FileHandle.standardError.write(
                Data("key \(key.publicID) (\(key.scopes)) created. Store it now: it will not be shown again. Treat it like a password.\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        @Option(help: "E-mail of the user whose account's keys to list.") var email: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let keys = try await Runner.admin(options) { admin, database in try await admin.listKeys(email: email, database: database) }
            for key in keys { print(Keys.line(key)) }
        }
    }

    struct Show: AsyncParsableCommand {
        @Argument(help: "The key's public id.") var id: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            print(Keys.line(try await Runner.admin(options) { admin, database in try await admin.showKey(publicID: id, database: database) }))
        }
    }

    struct Rotate: AsyncParsableCommand {
        @Argument(help: "The key's public id.") var id: String
        @Option(help: "How long the old secret keeps working: 24h (default), 0 for not at all.") var grace = "24h"
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (_, fullKey) = try await Runner.admin(options) { admin, database in
                try await admin.rotateKey(publicID: id, grace: grace, database: database)
            }
            print(fullKey)
        }
    }

    struct Revoke: AsyncParsableCommand {
        @Argument(help: "The key's public id.") var id: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let key = try await Runner.admin(options) { admin, database in try await admin.revokeKey(publicID: id, database: database) }
            print("revoked \(key.publicID)")
        }
    }

    static func line(_ key: APIKey) -> String {
        let status = key.status == .revoked ? "revoked" : "active"
        var line = "\(key.publicID)\t…\(key.lastFour)\t\(status)\t\(key.name)\t\(key.scopes)\tlast used \(key.lastUsedAt.map(String.init) ?? "never")"
        if !key.limits.isEmpty { line += "\tlimits \(KeyLimit.text(key.limits))" }
        if key.usageLimited {
            line += "\t\(key.usageRemaining ?? 0) requests left"
            if let refill = key.usageRefill { line += " (refill \(refill.amount)/\(refill.period.rawValue))" }
        }
        return line
    }
}
