import ArgumentParser
import Foundation
import TallyCore
import TallyHTTP
import TallyStorage

struct Links: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and manage tracking links and pixels.",
        subcommands: [Create.self, Import.self, List.self, Pause.self, Resume.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tracking link (or, with --pixel, a tracking pixel).")

        @Argument(help: "The destination URL (http or https). Omit it with --pixel.") var destination: String?
        @Option(help: "The short name (1-64 of A-Z a-z 0-9 _ -). Generated when omitted.") var name: String?
        @Option(help: "Redirect status: 301, 302 or 307.") var redirect: Int = 302
        @Option(help: "A title to recognise the link by.") var title: String = ""
        @Flag(help: "Create a tracking pixel instead of a link.") var pixel = false
        @Flag(help: "Store visitors' IP addresses masked.") var encodeIp = false
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            guard let redirectType = RedirectType(rawValue: redirect) else {
                throw ArgumentParser.ValidationError("--redirect must be 301, 302 or 307")
            }
            let request = DatapointService.CreateRequest(
                type: pixel ? .trackingPixel : .trackingLink, destination: destination, name: name, title: title,
                redirectType: redirectType, encodeIP: encodeIp)
            let created = try await Runner.admin(options, owner: owner) { admin, database in try await admin.createLink(request, database: database) }
            print(created.trackingCode)
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create many tracking links from a file with one `destination [name]` per line ('-' reads standard input).")

        @Argument(help: "The file to read.") var file: String
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let text: String
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                text = try String(contentsOfFile: file, encoding: .utf8)
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let count = try await Runner.admin(options, owner: owner) { admin, database in try await admin.importLinks(lines, database: database) }
            print("created \(count) links")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tracking links and pixels.")

        @Flag(help: "Include deleted datapoints.") var all = false
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let links = try await Runner.admin(options, owner: owner) { admin, database in
                try await admin.listLinks(includeDeleted: all, database: database)
            }
            for link in links {
                let point = link.datapoint
                let kind = point.type == .trackingLink ? "link " : "pixel"
                let target = point.destinationURL.map { "-> \($0) (\(point.redirectType.rawValue))" } ?? ""
                print("\(point.id)\t\(kind)\t\(point.status.name)\t\(link.trackingCode)\t\(target)")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a datapoint: it answers 404 and counts nothing.")
        @Argument(help: "The datapoint's name.") var name: String
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws { try await Runner.setStatus(name, .paused, options, owner: owner) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused datapoint.")
        @Argument(help: "The datapoint's name.") var name: String
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws { try await Runner.setStatus(name, .active, options, owner: owner) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a datapoint. Its statistics stay; its name is never given out again.")
        @Argument(help: "The datapoint's name.") var name: String
        @OptionGroup var owner: OwnerOptions
        @OptionGroup var options: ConfigOptions

        func run() async throws { try await Runner.setStatus(name, .deleted, options, owner: owner) }
    }
}

/// Whose links a `links` command acts on: a user's account (`--email`), an account by id, or the default account.
struct OwnerOptions: ParsableArguments {
    @Option(help: "Act on the account of the user with this e-mail.") var email: String?
    @Option(help: "Act on this account id.") var account: Int64?

    var choice: Admin.AccountChoice {
        get throws {
            switch (email, account) {
            case (nil, nil): return .defaultAccount
            case (let email?, nil): return .email(email)
            case (nil, let account?): return .id(account)
            default: throw ArgumentParser.ValidationError("give --email or --account, not both")
            }
        }
    }
}
