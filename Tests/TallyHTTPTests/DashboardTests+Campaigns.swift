import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The campaigns page: paged, created, renamed and deleted, with the tags beside them.
extension DashboardTests {
    /// Campaigns come fifty a page, in creation order, each with its own figures; past the end the page is empty.
    @Test(arguments: TestEngine.available)
    func campaignsArePagedFiftyAtATime(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/groups"), "_csrf"))
            for index in 1...53 {
                #expect(try await browser.post("/dashboard/groups", [("_csrf", csrf), ("name", "Campaign \(index)")]).status == .seeOther)
            }
            let first = DashboardBrowser.text(try await browser.get("/dashboard/groups"))
            #expect(first.contains(">Campaign 1</a>") && first.contains(">Campaign 50</a>") && !first.contains(">Campaign 51</a>"))
            #expect(first.contains("href=\"/dashboard/groups?page=2\" rel=\"next\"") && !first.contains("rel=\"prev\""))
            let second = DashboardBrowser.text(try await browser.get("/dashboard/groups?page=2"))
            #expect(second.contains(">Campaign 51</a>") && second.contains(">Campaign 53</a>") && !second.contains(">Campaign 50</a>"))
            #expect(second.contains("href=\"/dashboard/groups?page=1\" rel=\"prev\"") && !second.contains("rel=\"next\""))
            let past = DashboardBrowser.text(try await browser.get("/dashboard/groups?page=99999999999"))
            #expect(!past.contains(">Campaign ") && !past.contains("No campaigns yet.") && past.contains("rel=\"prev\""))
            #expect(try await database.count("link_groups") == 53)
        }
    }

    @Test(arguments: TestEngine.available)
    func campaignsAndTagsAreCreatedRenamedAndDeleted(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, database, browser in
            let csrf = try #require(DashboardBrowser.field(try await browser.get("/dashboard/groups"), "_csrf"))
            #expect(try await browser.post("/dashboard/groups", [("_csrf", csrf), ("name", "")]).status == .badRequest)
            #expect(try await browser.post("/dashboard/groups", [("_csrf", csrf), ("name", "Spring")]).status == .seeOther)
            let id = try await database.read { db in
                try await db.raw("SELECT id FROM link_groups WHERE name = 'Spring'").first(decodingColumn: "id", as: Int64.self)
            }
            let group = try #require(id)
            #expect(try await browser.post("/dashboard/groups/\(group)/rename", [("_csrf", csrf), ("name", "Autumn")]).status == .seeOther)
            #expect(DashboardBrowser.text(try await browser.get("/dashboard/groups")).contains(">Autumn</a>"))
            #expect(try await browser.post("/dashboard/groups/\(group)/delete", [("_csrf", csrf)]).status == .badRequest)
            #expect(try await browser.post("/dashboard/groups/\(group)/delete", [("_csrf", csrf), ("confirm", "yes")]).status == .seeOther)
            #expect(!DashboardBrowser.text(try await browser.get("/dashboard/groups")).contains(">Autumn</a>"))
            #expect(try await browser.post("/dashboard/groups/\(group)/rename", [("_csrf", csrf), ("name", "Back")]).status == .notFound)
            // Tags come from links; renamed and removed here.
            try await browser.post(
                "/dashboard/links", [("_csrf", csrf), ("type", "link"), ("destination", "https://example.com/"), ("tags", "mail")])
            let tagID = try #require(
                try await database.read { db in
                    try await db.raw("SELECT id FROM tags WHERE name = 'mail'").first(decodingColumn: "id", as: Int64.self)
                })
            #expect(try await browser.post("/dashboard/tags/\(tagID)/rename", [("_csrf", csrf), ("name", "newsletter")]).status == .seeOther)
            #expect(try await database.count("tags", where: "name = 'newsletter'") == 1)
            #expect(try await browser.post("/dashboard/tags/\(tagID)/delete", [("_csrf", csrf)]).status == .seeOther)
            #expect(try await database.count("tags") == 0)
            #expect(try await browser.post("/dashboard/tags/\(tagID)/delete", [("_csrf", csrf)]).status == .notFound)
        }
    }
}
