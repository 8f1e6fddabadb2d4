import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// `/v2/conversions…` management: CRUD, notes, datapoint patches (single, batch, replace) and the five-slot limit.
@Suite struct ConversionsAPITests {
    @Test(arguments: TestEngine.available)
    func conversionsAreCreatedListedUpdatedAttachedAndSoftDeleted(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                func post(_ uri: String, _ json: String, _ headers: HTTPFields? = nil, method: HTTPRequest.Method = .post) async throws
                    -> TestResponse
                {
                    try await client.execute(uri: uri, method: method, headers: headers ?? key, body: ByteBuffer(string: json))
                }
                let created = try await post("/v2/conversions/", #"{"Name":"Sale","description":"checkout","value":"19.5","protocol":"Https"}"#)
                #expect(created.status == .ok)
                let id = try #require(try created.json()["id"] as? Int)
                #expect(try created.json()["uri"] as? String == "/conversions/\(id)")

                let read = try await client.execute(uri: "/v2/conversions/\(id)", method: .get, headers: key).json()
                #expect(read["name"] as? String == "Sale" && read["description"] as? String == "checkout")
                #expect(read["value"] as? Double == 19.5 && read["protocol"] as? Int == 1 && read["deleted"] as? Bool == false)
                #expect((read["creationDate"] as? String)?.count == 14)

                #expect(try await post("/v2/conversions/\(id)", #"{"value":25,"protocol":0}"#).status == .ok)
                #expect(try await post("/v2/conversions/\(id)/notes", #"{"Text":"q4"}"#, method: .put).status == .ok)
                let updated = try await client.execute(uri: "/v2/conversions/\(id)", method: .get, headers: key).json()
                #expect(updated["value"] as? Double == 25 && updated["protocol"] as? Int == 0 && updated["notes"] as? String == "q4")

                // Datapoints attach one at a time, in a batch, or by replacing one.
                var links: [Int] = []
                for index in 0..<7 {
                    let response = try await post("/v2/datapoints", #"{"type":0,"name":"c\#(index)","typeTL":{"url":"https://shop.example/"}}"#)
                    links.append(try #require(try response.json()["id"] as? Int))
                }
                #expect(try await post("/v2/conversions/\(id)/datapoints/patch", #"{"action":"add","id":\#(links[0])}"#, method: .put).status == .ok)
                let batch = try await post(
                    "/v2/conversions/\(id)/datapoints/batch/patch",
                    #"{"PatchRequests":[{"Action":"add","Id":\#(links[1])},{"action":"add","id":\#(links[2])}]}"#, method: .put)
                #expect(batch.status == .ok)
                #expect(
                    try await post(
                        "/v2/conversions/\(id)/datapoints/patch", #"{"action":"replace","id":\#(links[3]),"replaceId":\#(links[2])}"#, method: .put
                    ).status == .ok)
                let attached = try await client.execute(uri: "/v2/conversions/\(id)/datapoints", method: .get, headers: key).json()
                #expect((attached["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [links[0], links[1], links[3]])
                #expect(
                    try await client.execute(uri: "/v2/conversions/\(id)/datapoints/count?type=tl", method: .get, headers: key).json()["count"]
                        as? Int == 3)
                // The datapoint names its conversions in its slots.
                let datapoint = try await client.execute(uri: "/v2/datapoints/\(links[0])", method: .get, headers: key).json()
                #expect(datapoint["firstConversionId"] as? Int == id && datapoint["firstConversionName"] as? String == "Sale")
                #expect(datapoint["secondConversionId"] == nil)

                // A batch with one bad patch changes nothing.
                let bad = try await post(
                    "/v2/conversions/\(id)/datapoints/batch/patch",
                    #"{"patchRequests":[{"action":"add","id":\#(links[4])},{"action":"add","id":999999}]}"#, method: .put)
                #expect(bad.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(bad)["property"] as? String == "PatchRequests[1].Id")
                #expect(try await database.count("conversion_datapoints", where: "datapoint_id = \(links[4])") == 0)

                // Five conversions per datapoint at most.
                for index in 0..<5 {
                    let other = try await post("/v2/conversions", #"{"name":"goal \#(index)"}"#).json()["id"] as? Int ?? 0
                    let patch = try await post("/v2/conversions/\(other)/datapoints/patch", #"{"action":"add","id":\#(links[5])}"#, method: .put)
                    #expect(patch.status == .ok)
                }
                let sixth = try await post("/v2/conversions/\(id)/datapoints/patch", #"{"action":"add","id":\#(links[5])}"#, method: .put)
                #expect(sixth.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(sixth)["code"] as? String == "too_many_conversions")

                // Lists, counts, filters.
                #expect(try await client.execute(uri: "/v2/conversions/count", method: .get, headers: key).json()["count"] as? Int == 6)
                let searched = try await client.execute(uri: "/v2/conversions?textSearch=sal*&_expand=true", method: .get, headers: key).json()
                #expect((searched["entities"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Sale"])

                // Other accounts see nothing, and cannot attach their datapoints or ours.
                #expect(try await client.execute(uri: "/v2/conversions/\(id)", method: .get, headers: otherKey).status == .notFound)
                #expect(
                    try await post("/v2/conversions/\(id)/datapoints/patch", #"{"action":"add","id":\#(links[6])}"#, otherKey, method: .put).status
                        == .notFound)
                #expect(try await client.execute(uri: "/v2/conversions/count", method: .get, headers: otherKey).json()["count"] as? Int == 0)

                // Bad input: a 400 naming the property.
                let nameless = try await post("/v2/conversions", #"{"value":1}"#)
                #expect(nameless.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(nameless)["property"] as? String == "Name")
                let negative = try await post("/v2/conversions", #"{"name":"x","value":-1}"#)
                #expect(negative.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(negative)["property"] as? String == "Value")
                let noAction = try await post("/v2/conversions/\(id)/datapoints/patch", #"{"id":\#(links[0])}"#, method: .put)
                #expect(noAction.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(noAction)["property"] as? String == "Action")

                // Delete is soft: gone from the active list, still readable, no new datapoints.
                #expect(try await client.execute(uri: "/v2/conversions/\(id)", method: .delete, headers: key).status == .ok)
                #expect(try await client.execute(uri: "/v2/conversions/\(id)", method: .get, headers: key).json()["deleted"] as? Bool == true)
                #expect(try await client.execute(uri: "/v2/conversions/count", method: .get, headers: key).json()["count"] as? Int == 5)
                #expect(
                    try await client.execute(uri: "/v2/conversions/count?status=deleted", method: .get, headers: key).json()["count"] as? Int == 1)
                let late = try await post("/v2/conversions/\(id)/datapoints/patch", #"{"action":"add","id":\#(links[6])}"#, method: .put)
                #expect(late.status == .badRequest)
            }
            #expect(try await database.count("conversions") == 6)
        }
    }

    @Test(arguments: TestEngine.available)
    func retargetingScriptsFireOnAnIntermediatePageUntilDeleted(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, database, key, otherKey in
            try await server.application.test(.live) { client in
                let script = try await client.execute(
                    uri: "/v2/retargeting", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"name":"Ads","script":"<script>window.adsPixel = 1;</script>"}"#))
                #expect(script.status == .ok)
                let scriptID = try #require(try script.json()["id"] as? Int)
                let linkID = try await LinkBehaviourTests.create(
                    client, key, #"{"type":0,"name":"rt","typeTL":{"url":"https://dest.example/","scripts":[{"id":\#(scriptID)}]}}"#)

                let page = try await client.execute(uri: "/rt?a=1", method: .get, headers: browser)
                #expect(page.status == .ok && page.text.contains("<script>window.adsPixel = 1;</script>"))
                #expect(page.text.contains(#"<meta http-equiv="refresh" content="1;url=https://dest.example/?a=1">"#))

                let read = try await client.execute(uri: "/v2/datapoints/\(linkID)", method: .get, headers: key).json()
                let scripts = (read["typeTL"] as? [String: Any])?["scripts"] as? [[String: Any]]
                #expect(scripts?.first?["id"] as? Int == scriptID && scripts?.first?["name"] as? String == "Ads")
                let linked = try await client.execute(uri: "/v2/retargeting/\(scriptID)/datapoints", method: .get, headers: key).json()
                #expect((linked["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [linkID])
                #expect(try await client.execute(uri: "/v2/retargeting/count", method: .get, headers: key).json()["count"] as? Int == 1)

                // An edit shows at once.
                _ = try await client.execute(
                    uri: "/v2/retargeting/\(scriptID)", method: .post, headers: key,
                    body: ByteBuffer(string: #"{"script":"<img src=\"https://ads.example/p.gif\">"}"#))
                #expect(try await client.execute(uri: "/rt", method: .get, headers: browser).text.contains("https://ads.example/p.gif"))
                #expect(try await client.execute(uri: "/v2/retargeting/\(scriptID)", method: .get, headers: otherKey).status == .notFound)
                let empty = try await client.execute(
                    uri: "/v2/retargeting", method: .post, headers: key, body: ByteBuffer(string: #"{"name":"x","script":""}"#))
                #expect(empty.status == .badRequest)
                #expect(try DatapointsAPITests.firstError(empty)["property"] as? String == "Script")

                // Deleting the script detaches it: the link is a plain redirect again.
                #expect(try await client.execute(uri: "/v2/retargeting/\(scriptID)", method: .delete, headers: key).status == .ok)
                let plain = try await client.execute(uri: "/rt", method: .get, headers: browser)
                #expect(plain.status == .found && plain.headers[.location] == "https://dest.example/")
                #expect(try await client.execute(uri: "/v2/retargeting/\(scriptID)", method: .get, headers: key).status == .notFound)
            }
            #expect(try await database.count("datapoint_scripts") == 0)
            #expect(try await database.count("datapoints", where: "link_options IS NULL") == 1)
        }
    }
}
