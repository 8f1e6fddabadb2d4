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

extension DashboardTests {
    /// A search counts its matches up to 1,000 ("1,000+", next pages while they are full); a page past the end of
    /// an exact count is empty without reading rows, and says so.
    @Test(arguments: TestEngine.available)
    func searchesCountUpToAThousandAndPagesPastTheEndAreEmpty(_ engine: TestEngine) async throws {
        try await Self.withOwner(engine) { _, database, browser in
            try await database.transaction { db in
                try await db.raw(
                    """
                    INSERT INTO datapoints (account_id, domain_id, type, name, title, notes, is_favourite, status, destination_url, \
                    redirect_type, created_at, updated_at) \
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1050) \
                    SELECT (SELECT MIN(id) FROM accounts), (SELECT MIN(id) FROM domains), 0, 'bulk' || i, 'Spring sale ' || i, '', \
                    false, 0, 'https://example.com/', 302, 1000, 1000 FROM n
                    """
                ).run()
            }
            let many = DashboardBrowser.text(try await browser.get("/dashboard/links?q=spring+sale"))
            #expect(many.contains("1,000+ found · page 1") && many.contains("page=2"))
            #expect(many.contains(">bulk1050<") && many.contains(">bulk1001<") && !many.contains(">bulk1000<"))
            // Pages among the first 1,001 matches come from the count's own read, in the same order; past them, from
            // the page's query.
            let twentieth = DashboardBrowser.text(try await browser.get("/dashboard/links?q=spring+sale&page=20"))
            #expect(twentieth.contains(">bulk100<") && twentieth.contains(">bulk51<"))
            #expect(!twentieth.contains(">bulk101<") && !twentieth.contains(">bulk50<"))
            let far = DashboardBrowser.text(try await browser.get("/dashboard/links?q=spring+sale&page=21"))
            #expect(far.contains("1,000+ found · page 21") && far.contains(">bulk50<") && far.contains(">bulk1<") && !far.contains(">bulk51<"))
            let exact = DashboardBrowser.text(try await browser.get("/dashboard/links?q=bulk1050"))
            #expect(exact.contains("1 found · page 1") && exact.contains(">bulk1050<") && !exact.contains("page=2"))
            let past = DashboardBrowser.text(try await browser.get("/dashboard/links?page=300"))
            let links = try await database.count("datapoints", where: "status <> 3")
            #expect(links >= 1_050)
            #expect(past.contains("\(links / 1000),\(String(format: "%03d", links % 1000)) found · page 300"))
            #expect(!past.contains(">bulk"), "\(past.prefix(3000))")
        }
    }
}
