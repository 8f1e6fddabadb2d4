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

/// Where the running ClickMeter API answered or accepted differently from its document (issue 14 §1), each asserted
/// with values, on both engines. `docs/clickmeter-compatibility.md` gives the evidence for each.
@Suite struct RunningAPIShapeTests {
    typealias Stats = StatsAPITests

    struct Caller {
        let client: any TestClientProtocol
        let key: HTTPFields

        func call(_ path: String, _ method: HTTPRequest.Method = .get, _ body: String? = nil) async throws -> (Int, [String: Any]) {
            var headers = key
            headers[.contentType] = "application/json"
            let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (Int(response.status.code), json)
        }

        func id(_ path: String, _ body: String) async throws -> Int {
            let (status, json) = try await call(path, .post, body)
            #expect(status == 200, "\(path): \(json)")
            return (json["id"] as? NSNumber)?.intValue ?? -1
        }
    }

    static func error(_ json: [String: Any]) -> (property: String?, code: String?) {
        let first = (json["errors"] as? [[String: Any]])?.first
        return (first?["property"] as? String, first?["code"] as? String)
    }

    @Test(arguments: TestEngine.available)
    func summariesAggregatesAndHitsDescribeTheirEntityInTheSummaryVocabulary(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            try await setup.server.application.test(.live) { client in
                let api = Caller(client: client, key: setup.key)
                let group = try await api.id("/v2/groups", #"{"name":"north"}"#)
                let link = try await api.id(
                    "/v2/datapoints", #"{"type":0,"name":"vocab","title":"Vocab","groupId":\#(group),"typeTL":{"url":"https://example.com/v"}}"#)
                let rotator = try await api.id(
                    "/v2/datapoints",
                    #"{"type":0,"name":"spin","typeTL":{"destinationMode":1,"randomDestinationItems":[{"url":"https://a.example/"},{"url":"https://b.example/"}]}}"#
                )
                let pixel = try await api.id("/v2/datapoints", #"{"type":1,"name":"px"}"#)
                let goal = try await api.id("/v2/conversions", #"{"name":"signup"}"#)
                #expect(try await client.execute(uri: "/vocab", method: .get, headers: [.userAgent: Stats.chrome]).status == .found)
                #expect(try await client.execute(uri: "/px", method: .get, headers: [.userAgent: Stats.chrome]).status == .ok)

                // The datapoint itself: its group's name, and the first destination.
                let (_, datapoint) = try await api.call("/v2/datapoints/\(link)")
                #expect(datapoint["groupName"] as? String == "north")
                #expect((datapoint["typeTL"] as? [String: Any])?["firstUrl"] as? String == "https://example.com/v")
                let (_, spinning) = try await api.call("/v2/datapoints/\(rotator)")
                #expect((spinning["typeTL"] as? [String: Any])?["firstUrl"] as? String == "https://a.example/")
                #expect(spinning["groupName"] == nil, "a datapoint in no group names none")

                // Summaries: the summary vocabulary beside the ordinary members.
                let (_, summary) = try await api.call("/v2/aggregated/summary/datapoints?type=tl&timeFrame=last7&sortBy=name&sortDirection=asc")
                let rows = try #require(summary["result"] as? [[String: Any]])
                let vocab = try #require(rows.first { ($0["entityData"] as? [String: Any])?["datapointName"] as? String == "vocab" })
                let data = try #require(vocab["entityData"] as? [String: Any])
                #expect(data["datapointId"] as? NSNumber == NSNumber(value: link))
                #expect(data["datapointType"] as? String == "TrackingLink")
                #expect(data["datapointTitle"] as? String == "Vocab")
                #expect(data["groupId"] as? NSNumber == NSNumber(value: group) && data["groupName"] as? String == "north")
                #expect(data["destinationUrl"] as? String == "https://example.com/v")
                #expect(data["status"] as? NSNumber == 0 && data["isPrivateShared"] as? Bool == false)
                #expect(data["id"] as? NSNumber == NSNumber(value: link) && data["type"] as? NSNumber == 0, "the ordinary members stay")
                #expect(vocab["entityId"] as? String == "\(link)")
                let (_, pixels) = try await api.call("/v2/aggregated/summary/datapoints?type=tp&timeFrame=last7")
                let pixelData = (pixels["result"] as? [[String: Any]])?.first?["entityData"] as? [String: Any]
                #expect(pixelData?["datapointType"] as? String == "TrackingPixel" && pixelData?["datapointId"] as? NSNumber == NSNumber(value: pixel))
                let (_, groups) = try await api.call("/v2/aggregated/summary/groups?timeFrame=last7")
                let groupData = (groups["result"] as? [[String: Any]])?.first?["entityData"] as? [String: Any]
                #expect(groupData?["groupName"] as? String == "north" && groupData?["linksCount"] as? NSNumber == 1)
                let (_, goals) = try await api.call("/v2/aggregated/summary/conversions?timeFrame=last7")
                let goalData = (goals["result"] as? [[String: Any]])?.first?["entityData"] as? [String: Any]
                #expect((goalData?["date"] as? String)?.count == 14 && goalData?["name"] as? String == "signup")

                // One entity's aggregate, and each row of its series, carry it too.
                let (_, single) = try await api.call("/v2/datapoints/\(link)/aggregated?timeFrame=last7")
                #expect((single["entityData"] as? [String: Any])?["datapointName"] as? String == "vocab")
                #expect(single["totalClicks"] as? NSNumber == 1)
                let (_, series) = try await api.call("/v2/datapoints/\(link)/aggregated/list?timeFrame=last7")
                let seriesRows = try #require(series["rows"] as? [[String: Any]])
                #expect(!seriesRows.isEmpty && seriesRows.allSatisfy { ($0["entityData"] as? [String: Any])?["datapointId"] != nil })
                let (_, groupTotal) = try await api.call("/v2/groups/\(group)/aggregated?timeFrame=last7")
                #expect((groupTotal["entityData"] as? [String: Any])?["linksCount"] as? NSNumber == 1)
                let (_, goalTotal) = try await api.call("/v2/conversions/\(goal)/aggregated?timeFrame=last7")
                #expect((goalTotal["entityData"] as? [String: Any])?["date"] is String)
                let (_, account) = try await api.call("/v2/aggregated?timeFrame=last7")
                #expect(account["entityData"] == nil, "the account's aggregate has no entity")

                // A hit's entity: the type as a string, and the group's name.
                let (_, hits) = try await api.call("/v2/datapoints/\(link)/hits?timeFrame=last7")
                let entity = (hits["hits"] as? [[String: Any]])?.first?["entity"] as? [String: Any]
                #expect(entity?["datapointType"] as? String == "TrackingLink" && entity?["groupName"] as? String == "north")
                let (_, pixelHits) = try await api.call("/v2/datapoints/\(pixel)/hits?timeFrame=last7")
                #expect(((pixelHits["hits"] as? [[String: Any]])?.first?["entity"] as? [String: Any])?["datapointType"] as? String == "TrackingPixel")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func inputTheRunningAPIAcceptedIsAccepted(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            try await setup.server.application.test(.live) { client in
                let api = Caller(client: client, key: setup.key)
                // A numeric time zone: whole hours east of UTC, what GET /account answers in `timezone`.
                let (status, account) = try await api.call("/v2/account", .post, #"{"timezone":2}"#)
                #expect(status == 200 && account["timezonename"] as? String == "Etc/GMT-2" && account["timezone"] as? NSNumber == 2)
                let (west, _) = try await api.call("/v2/account", .post, #"{"timeZone":"-5"}"#)
                #expect(west == 200)
                #expect(try await api.call("/v2/account").1["timezonename"] as? String == "Etc/GMT+5")
                let (refused, body) = try await api.call("/v2/account", .post, #"{"timezone":99}"#)
                #expect(refused == 400 && Self.error(body).property == "Timezone" && Self.error(body).code == "time_zone_invalid")

                // Renaming a datapoint through its update: the new name redirects, the old one no longer does.
                let link = try await api.id("/v2/datapoints", #"{"type":0,"name":"before","typeTL":{"url":"https://example.com/r"}}"#)
                _ = try await api.id("/v2/datapoints", #"{"type":0,"name":"taken","typeTL":{"url":"https://example.com/t"}}"#)
                #expect(try await client.execute(uri: "/before", method: .get, headers: [.userAgent: Stats.chrome]).status == .found)
                let (renamed, answer) = try await api.call("/v2/datapoints/\(link)", .post, #"{"name":"after","title":"renamed"}"#)
                #expect(renamed == 200 && answer["id"] as? NSNumber == NSNumber(value: link))
                #expect(try await api.call("/v2/datapoints/\(link)").1["name"] as? String == "after")
                #expect(try await client.execute(uri: "/after", method: .get, headers: [.userAgent: Stats.chrome]).status == .found)
                #expect(try await client.execute(uri: "/before", method: .get, headers: [.userAgent: Stats.chrome]).status == .notFound)
                let (clash, clashBody) = try await api.call("/v2/datapoints/\(link)", .post, #"{"name":"taken"}"#)
                #expect(clash == 400 && Self.error(clashBody).code == "name_taken" && Self.error(clashBody).property == "Name")
                let (bad, badBody) = try await api.call("/v2/datapoints/\(link)", .post, #"{"name":"no spaces allowed"}"#)
                #expect(bad == 400 && Self.error(badBody).property == "Name")
                #expect(try await api.call("/v2/datapoints/\(link)").1["name"] as? String == "after", "a refused rename changes nothing")

                // A domain body carrying any of the four types.
                let system = try await api.id("/v2/domains", #"{"name":"s.example.com","type":0}"#)
                #expect(try await api.call("/v2/domains/\(system)").1["type"] as? NSNumber == 2, "an account's domain is dedicated")
                let personal = try await api.id("/v2/domains", #"{"name":"p.example.com","type":3}"#)
                #expect(try await api.call("/v2/domains/\(personal)").1["type"] as? NSNumber == 3)

                // One blacklisted address is echoed bare; a network keeps its prefix.
                let (_, single) = try await api.call("/v2/account/ipblacklist", .post, #"{"ip":"203.0.113.5"}"#)
                #expect(single["ip"] as? String == "203.0.113.5")
                let (_, network) = try await api.call("/v2/account/ipblacklist", .post, #"{"ip":"198.51.100.0/24"}"#)
                #expect(network["ip"] as? String == "198.51.100.0/24")
                let listed = try await api.call("/v2/account/ipblacklist").1["entities"] as? [[String: Any]]
                #expect(Set(listed?.compactMap { $0["ip"] as? String } ?? []) == ["203.0.113.5", "198.51.100.0/24"])

                // A tag patch answers with what it patched.
                let tag = try await api.id("/v2/tags", #"{"name":"spring"}"#)
                let (_, patched) = try await api.call("/v2/tags/\(tag)/datapoints/patch", .put, #"{"action":"add","id":\#(link)}"#)
                #expect(patched["uri"] as? String == "/datapoints/\(link)" && patched["id"] as? NSNumber == NSNumber(value: link))
                let group = try await api.id("/v2/groups", #"{"name":"g"}"#)
                let (_, patchedGroup) = try await api.call("/v2/tags/\(tag)/groups/patch", .put, #"{"action":"add","id":\#(group)}"#)
                #expect(patchedGroup["uri"] as? String == "/groups/\(group)")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func guestsKeepTheirPreferencesAndGrantsAreSpelledInFull(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine) { setup in
            try await setup.server.application.test(.live) { client in
                let api = Caller(client: client, key: [HTTPField.Name("X-ClickMeter-API-Key")!: setup.admin])
                let (_, plain) = try await api.call("/v2/account/guests", .post, #"{"name":"P","email":"p@example.com"}"#)
                #expect(plain["timeZone"] as? NSNumber == 0 && plain["language"] as? String == "en" && plain["timeFormat"] as? String == "AmPm")
                #expect(plain["decimalSeparator"] as? String == "." && plain["numberGroupSeparator"] as? String == ",")
                let (_, guest) = try await api.call(
                    "/v2/account/guests", .post,
                    #"{"name":"G","email":"g@example.com","timeZone":37,"language":"it","dateFormat":"dd/MM/yyyy","timeFormat":"H24","decimalSeparator":",","numberGroupSeparator":"."}"#
                )
                let id = try #require((guest["id"] as? NSNumber)?.intValue)
                let (_, read) = try await api.call("/v2/account/guests/\(id)")
                #expect(read["timeZone"] as? NSNumber == 37 && read["language"] as? String == "it" && read["dateFormat"] as? String == "dd/MM/yyyy")
                #expect(read["timeFormat"] as? String == "H24" && read["decimalSeparator"] as? String == ",")
                let (_, changed) = try await api.call("/v2/account/guests/\(id)", .post, #"{"timeFormat":"AmPm","numberGroupSeparator":" "}"#)
                #expect(
                    changed["timeFormat"] as? String == "AmPm" && changed["numberGroupSeparator"] as? String == " "
                        && changed["language"] as? String == "it")
                let (bad, badBody) = try await api.call("/v2/account/guests/\(id)", .post, #"{"decimalSeparator":"far too long"}"#)
                #expect(bad == 400 && Self.error(badBody).property == "DecimalSeparator")

                // `rw` grants write; grants answer `Datapoint`/`Group` and `Read`/`Write`.
                let link = try await api.id("/v2/datapoints", #"{"type":0,"name":"shared","typeTL":{"url":"https://example.com/s"}}"#)
                let group = try await api.id("/v2/groups", #"{"name":"grp"}"#)
                let (granted, _) = try await api.call(
                    "/v2/account/guests/\(id)/datapoint/permissions/patch", .put, #"{"action":"add","id":\#(link),"verb":"rw"}"#)
                #expect(granted == 200)
                _ = try await api.call("/v2/account/guests/\(id)/group/permissions/patch", .post, #"{"action":"add","id":\#(group),"verb":"r"}"#)
                let grants = try await api.call("/v2/account/guests/\(id)/permissions").1["entities"] as? [[String: Any]] ?? []
                let byType = Dictionary(uniqueKeysWithValues: grants.compactMap { grant in (grant["EntityType"] as? String).map { ($0, grant) } })
                #expect(byType["Datapoint"]?["Type"] as? String == "Write" && byType["Group"]?["Type"] as? String == "Read")
                let writable = try await api.call("/v2/account/guests/\(id)/permissions?type=rw").1["entities"] as? [[String: Any]]
                #expect(writable?.count == 1 && writable?.first?["EntityType"] as? String == "Datapoint")
                let (wrongVerb, wrongBody) = try await api.call(
                    "/v2/account/guests/\(id)/datapoint/permissions/patch", .put, #"{"action":"add","id":\#(link),"verb":"x"}"#)
                #expect(wrongVerb == 400 && Self.error(wrongBody).property == "Verb")
            }
        }
    }
}
