import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

@Suite struct AccountAPITests {
    @Test(arguments: TestEngine.available)
    func accountMeAndPlanTellTheTruth(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, _, key, _ in
            try await server.application.test(.live) { client in
                _ = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"type":0,"name":"acct","typeTL":{"url":"https://e.com"}}"#))
                for _ in 0..<3 { _ = try await client.execute(uri: "/acct", method: .get) }
                let me = try DatapointsAPITests.json(try await client.execute(uri: "/v2/me", method: .get, headers: key))
                #expect(me["email"] as? String == "dp@example.com" && me["timezonename"] as? String == "UTC")
                #expect((me["registrationDate"] as? String)?.count == 14)
                let renamed = try await client.execute(
                    uri: "/v2/account", method: .post, headers: key, body: ByteBuffer(string: #"{"CompanyName":"Acme"}"#))
                #expect(try DatapointsAPITests.json(renamed)["companyName"] as? String == "Acme")
                #expect(
                    try DatapointsAPITests.json(try await client.execute(uri: "/v2/account", method: .get, headers: key))["companyName"] as? String
                        == "Acme")
                // Hits reach the plan's usage once the writer has committed them.
                await server.hits.waitUntilCommitted(3)
                let plan = try DatapointsAPITests.json(try await client.execute(uri: "/v2/me/plan", method: .get, headers: key))
                #expect(plan["usedDatapoints"] as? Int == 1 && plan["usedMonthlyEvents"] as? Int == 3 && plan["price"] as? Double == 0)
                #expect(
                    try DatapointsAPITests.json(try await client.execute(uri: "/v2/account/plan", method: .get, headers: key))["name"] as? String
                        == "ClickTally self-hosted")
                let bad = try await client.execute(uri: "/v2/account", method: .post, headers: key, body: ByteBuffer(string: #"{"companyName":""}"#))
                #expect(bad.status == .badRequest)
            }
        }
    }
}
