import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

/// The dashboard goes through the same services as the API, so another account's campaign, tag, link or list entry is
/// out of reach from every form as it is from every route: signed in to one account, these requests name the other's
/// ids, and the other's rows are checked afterwards.
@Suite struct DashboardOwnershipTests {
    struct Theirs {
        let group: Int64
        let tag: Int64
        let link: Int64
        let blocked: Int64
    }

    /// Another account with a campaign, a tag, a link and a blacklisted address, written in SQL.
    static func theirs(_ database: any TallyDatabase) async throws -> Theirs {
        try await database.transaction { db in
            let account = try await db.raw("INSERT INTO accounts (name, created_at) VALUES ('Other', 1) RETURNING id")
                .first(decodingColumn: "id", as: Int64.self)!
            let group = try await db.raw(
                """
                INSERT INTO link_groups (account_id, name, created_at, updated_at) VALUES (\(bind: account), 'Their campaign', 1, 1) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int64.self)!
            let tag = try await db.raw("INSERT INTO tags (account_id, name) VALUES (\(bind: account), 'theirs') RETURNING id")
                .first(decodingColumn: "id", as: Int64.self)!
            let link = try await db.raw(
                """
                INSERT INTO datapoints (account_id, domain_id, type, name, title, notes, is_favourite, status, destination_url, redirect_type, \
                created_at, updated_at) VALUES (\(bind: account), (SELECT MIN(id) FROM domains), 0, 'their-link', '', '', FALSE, 0, \
                'https://example.com/', 302, 1, 1) RETURNING id
                """
            ).first(decodingColumn: "id", as: Int64.self)!
            let blocked = try await db.raw(
                "INSERT INTO ip_blacklist (account_id, ip, created_at) VALUES (\(bind: account), '198.51.100.1', 1) RETURNING id"
            ).first(decodingColumn: "id", as: Int64.self)!
            return Theirs(group: group, tag: tag, link: link, blocked: blocked)
        }
    }

    @Test(arguments: TestEngine.available)
    func anotherAccountsObjectsAreOutOfReachOfEveryForm(_ engine: TestEngine) async throws {
        try await DashboardTests.withOwner(engine) { _, database, browser in
            let theirs = try await Self.theirs(database)
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/groups"), "_csrf"))
            #expect(try await browser.post("/dashboard/groups/\(theirs.group)/rename", [("_csrf", csrf), ("name", "Mine now")]).status == .notFound)
            #expect(
                try await browser.post("/dashboard/groups/\(theirs.group)/delete", [("_csrf", csrf), ("confirm", "yes")]).status == .notFound)
            #expect(try await database.count("link_groups", where: "name = 'Their campaign' AND is_deleted = FALSE") == 1)
            #expect(try await browser.post("/dashboard/tags/\(theirs.tag)/rename", [("_csrf", csrf), ("name", "mine")]).status == .notFound)
            #expect(try await browser.post("/dashboard/tags/\(theirs.tag)/delete", [("_csrf", csrf)]).status == .notFound)
            #expect(try await database.count("tags", where: "name = 'theirs'") == 1)
            #expect(try await browser.get("/dashboard/links/\(theirs.link)").status == .notFound)
            // A new link may not join their campaign; nothing is created.
            let before = try await database.count("datapoints")
            let joined = try await browser.post(
                "/dashboard/links",
                [("_csrf", csrf), ("type", "link"), ("destination", "https://example.com/"), ("group", String(theirs.group))])
            #expect(joined.status == .badRequest && DashboardBrowser.text(joined).contains("choose one of your campaigns"))
            #expect(try await database.count("datapoints") == before)
            // A tag named like theirs is a new tag of this account's, not theirs attached to this link.
            let tagged = try await browser.post(
                "/dashboard/links", [("_csrf", csrf), ("type", "link"), ("destination", "https://example.com/"), ("tags", "theirs")])
            #expect(tagged.status == .seeOther)
            #expect(try await database.count("tags", where: "name = 'theirs'") == 2)
            #expect(try await database.count("datapoint_tags", where: "tag_id = \(theirs.tag)") == 0)
            // Removing their blacklist entry by id changes nothing.
            _ = try await browser.post("/dashboard/settings/blacklist/\(theirs.blocked)/remove", [("_csrf", csrf)])
            #expect(try await database.count("ip_blacklist", where: "id = \(theirs.blocked)") == 1)
            // An address blocked here is stored as the API stores it (no "/32"), so the API lists it the same way.
            #expect(try await browser.post("/dashboard/settings/blacklist", [("_csrf", csrf), ("ip", "203.0.113.7")]).status == .seeOther)
            #expect(try await database.count("ip_blacklist", where: "ip = '203.0.113.7'") == 1)
        }
    }
}
