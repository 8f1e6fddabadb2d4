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

@Suite struct TagsAPITests {
    @Test(arguments: TestEngine.available)
    func tagsAreFoundOrCreatedRenamedAttachedAndFiltered(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                func call(_ method: HTTPRequest.Method, _ uri: String, _ body: String? = nil, headers: HTTPFields? = nil) async throws -> TestResponse
                {
                    try await client.execute(uri: uri, method: method, headers: headers ?? key, body: body.map { ByteBuffer(string: $0) })
                }
                func json(_ response: TestResponse) throws -> [String: Any] { try DatapointsAPITests.json(response) }
                let a = try #require(
                    try json(try await call(.post, "/v2/datapoints", #"{"type":0,"name":"ta","typeTL":{"url":"https://e.com/a"}}"#))["id"] as? Int)
                let b = try #require(
                    try json(try await call(.post, "/v2/datapoints", #"{"type":0,"name":"tb","typeTL":{"url":"https://e.com/b"}}"#))["id"] as? Int)
                let group = try #require(try json(try await call(.post, "/v2/groups", #"{"name":"g"}"#))["id"] as? Int)

                let tag = try #require(try json(try await call(.post, "/v2/tags", "{\"Name\":\"summer\",\"datapoints\":[\(a)]}"))["id"] as? Int)
                // The same name again is the same tag.
                #expect(try json(try await call(.post, "/v2/tags", #"{"name":"summer"}"#))["id"] as? Int == tag)
                #expect(try await call(.put, "/v2/tags/\(tag)/datapoints/patch", "{\"Action\":\"add\",\"Id\":\(b)}").status == .ok)
                #expect(try await call(.put, "/v2/tags/\(tag)/groups/patch", "{\"action\":\"add\",\"id\":\(group)}").status == .ok)
                #expect(try await call(.put, "/v2/tags/\(tag)/datapoints/patch", "{\"action\":\"remove\",\"id\":\(a)}").status == .ok)
                let read = try json(try await call(.get, "/v2/tags/\(tag)"))
                #expect(read["name"] as? String == "summer" && read["datapoints"] as? [Int] == [b] && read["groups"] as? [Int] == [group])
                let datapoint = try json(try await call(.get, "/v2/datapoints/\(b)"))
                #expect((datapoint["tags"] as? [[String: Any]])?.first?["name"] as? String == "summer")
                let filtered = try json(try await call(.get, "/v2/datapoints?tags=Summer"))
                #expect((filtered["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [b])
                #expect(try json(try await call(.get, "/v2/tags?datapoints=\(b)"))["entities"].map { ($0 as? [Any])?.count } == 1)
                #expect(try await call(.put, "/v2/tags/\(tag)/name", #"{"text":"autumn"}"#).status == .ok)
                #expect(
                    try json(try await call(.get, "/v2/tags?_expand=true&name=aut*"))["entities"].map {
                        ($0 as? [[String: Any]])?.first?["name"] as? String
                    } == "autumn")
                #expect(try json(try await call(.get, "/v2/tags/count"))["count"] as? Int == 1)

                // Bad input and other accounts.
                let unknownAction = try await call(.put, "/v2/tags/\(tag)/datapoints/patch", "{\"action\":\"toggle\",\"id\":\(b)}")
                #expect(unknownAction.status == .badRequest)
                let actionProperty = try DatapointsAPITests.firstError(unknownAction)["property"] as? String
                #expect(actionProperty == "Action")
                #expect(try await call(.get, "/v2/tags/\(tag)", headers: otherKey).status == .notFound)
                let foreignAttach = try await call(.post, "/v2/tags", "{\"name\":\"mine\",\"datapoints\":[\(b)]}", headers: otherKey)
                #expect(foreignAttach.status == .badRequest)
                #expect(try await call(.post, "/v2/tags", #"{"name":"a,b"}"#).status == .badRequest)

                let members = try json(try await call(.get, "/v2/tags/\(tag)/datapoints"))
                #expect((members["entities"] as? [[String: Any]])?.compactMap { $0["uri"] as? String } == ["/datapoints/\(b)"])
                #expect(try json(try await call(.get, "/v2/tags/\(tag)/groups/count"))["count"] as? Int == 1)
                #expect(try await call(.delete, "/v2/tags/\(tag)/groups").status == .ok)
                #expect(try json(try await call(.get, "/v2/tags/\(tag)/groups/count"))["count"] as? Int == 0)
                #expect(try json(try await call(.get, "/v2/tags/\(tag)/datapoints/count"))["count"] as? Int == 1)
                #expect(try await call(.delete, "/v2/tags/\(tag)").status == .ok)
                #expect(try await database.count("datapoint_tags") == 0)
                #expect(try await database.count("group_tags") == 0)
            }
        }
    }
}
