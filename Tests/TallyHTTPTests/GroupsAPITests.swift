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

/// The ClickMeter client journey: a campaign, links in it, list, count, read, update, delete, follow.
@Suite struct GroupsAPITests {
    @Test(arguments: TestEngine.available)
    func aCampaignWithLinksFromCreationToDeletion(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields? = nil) async throws -> [String:
                    Any]
                {
                    let response = try await client.execute(
                        uri: uri, method: method, headers: headers ?? key, body: body.map { ByteBuffer(string: $0) })
                    #expect(response.status == .ok, "\(method) \(uri): \(String(buffer: response.body))")
                    return try DatapointsAPITests.json(response)
                }
                let campaign = try #require(try await call(.post, "/v2/groups", #"{"name":"Spring sale","notes":"q2"}"#)["id"] as? Int)
                var ids: [Int] = []
                for index in 1...3 {
                    let created = try await call(
                        .post, "/v2/groups/\(campaign)/datapoints",
                        #"{"type":"TL","name":"spring\#(index)","typeTL":{"url":"https://shop.example.com/\#(index)"}}"#)
                    ids.append(try #require(created["id"] as? Int))
                }
                let listed = try await call(.get, "/v2/groups/\(campaign)/datapoints?limit=100")
                #expect((listed["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == ids)
                #expect(try await call(.get, "/v2/groups/\(campaign)/datapoints/count")["count"] as? Int == 3)
                #expect(try await call(.get, "/v2/groups/count")["count"] as? Int == 1)
                let group = try await call(.get, "/v2/groups/\(campaign)")
                #expect(group["name"] as? String == "Spring sale" && group["notes"] as? String == "q2" && group["deleted"] as? Bool == false)
                for (index, id) in ids.enumerated() {
                    let datapoint = try await call(.get, "/v2/datapoints/\(id)")
                    #expect(datapoint["groupId"] as? Int == campaign)
                    let redirect = try await client.execute(uri: "/spring\(index + 1)", method: .get)
                    #expect(redirect.status == .found && redirect.headers[.location] == "https://shop.example.com/\(index + 1)")
                }
                _ = try await call(.post, "/v2/groups/\(campaign)", #"{"name":"Spring sale 2026"}"#)
                #expect(try await call(.get, "/v2/groups/\(campaign)")["name"] as? String == "Spring sale 2026")
                _ = try await call(.put, "/v2/groups/\(campaign)/favourite")
                #expect(
                    try await call(.get, "/v2/groups?_expand=true")["entities"].map { ($0 as? [[String: Any]])?.first?["preferred"] as? Bool } == true
                )
                // Another account cannot see the campaign nor put links in it.
                let foreign = try await client.execute(uri: "/v2/groups/\(campaign)", method: .get, headers: otherKey)
                #expect(foreign.status == .notFound)
                let intrude = try await client.execute(
                    uri: "/v2/datapoints", method: .post, headers: otherKey,
                    body: ByteBuffer(string: #"{"type":0,"name":"intruder","groupId":\#(campaign),"typeTL":{"url":"https://e.com"}}"#))
                #expect(intrude.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(intrude)["property"] as? String == "GroupId")
                // Delete the links and the campaign.
                for id in ids { _ = try await call(.delete, "/v2/datapoints/\(id)") }
                #expect(try await client.execute(uri: "/spring1", method: .get).status == .notFound)
                _ = try await call(.delete, "/v2/groups/\(campaign)")
                #expect(try await call(.get, "/v2/groups/count")["count"] as? Int == 0)
                #expect(try await call(.get, "/v2/groups/count?status=deleted")["count"] as? Int == 1)
                let late = try await client.execute(
                    uri: "/v2/groups/\(campaign)/datapoints", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"type":0,"name":"late","typeTL":{"url":"https://e.com"}}"#))
                #expect(late.status == .badRequest)
                #expect(try await database.count("datapoints", where: "name = 'late'") == 0)
            }
        }
    }
}
