import Foundation
import HTTPTypes
import HummingbirdTesting
import TallyCore
import Testing

/// A source account with one of everything an import must carry (made through the API, as a ClickMeter user made
/// theirs), and snapshots compared by what objects are called rather than by ids, which differ between servers.
enum ImportFixture {
    static let datapointCount = 7
    static let chrome = StatsAPITests.chrome

    static func fill(_ api: RunningAPIShapeTests.Caller, _ client: some TestClientProtocol) async throws {
        let domain = try await api.id("/v2/domains", #"{"name":"links.example.com","type":"dedicated"}"#)
        let spring = try await api.id("/v2/groups", #"{"name":"Spring campaign","notes":"march to may"}"#)
        let autumn = try await api.id("/v2/groups", #"{"name":"Autumn"}"#)
        let script = try await api.id("/v2/retargeting", #"{"name":"pixel tag","script":"<img src=\"https://ads.example/p.gif\">"}"#)
        let goal = try await api.id("/v2/conversions", #"{"name":"signup","value":3,"description":"a new account"}"#)
        let simple = try await api.id(
            "/v2/datapoints",
            #"{"type":0,"name":"spring","title":"Spring sale","notes":"main","preferred":true,"encodeIp":true,"groupId":\#(spring),"typeTL":{"url":"https://shop.example/spring","redirectType":301}}"#
        )
        _ = try await api.id(
            "/v2/datapoints",
            #"{"type":0,"name":"rotate","groupId":\#(autumn),"typeTL":{"destinationMode":9,"weightedDestinationItems":[{"url":"https://a.example/","weight":3},{"url":"https://b.example/","weight":1}]}}"#
        )
        _ = try await api.id(
            "/v2/datapoints",
            #"{"type":0,"name":"framed","typeTL":{"url":"https://shop.example/framed","hideUrl":true,"hideUrlTitle":"Shop","referrerClean":1,"scripts":[{"id":\#(script)}]}}"#
        )
        _ = try await api.id("/v2/datapoints", #"{"type":0,"name":"onmine","typeTL":{"url":"https://shop.example/mine","domainId":\#(domain)}}"#)
        let paused = try await api.id("/v2/datapoints", #"{"type":0,"name":"paused","typeTL":{"url":"https://shop.example/paused"}}"#)
        #expect(try await api.call("/v2/datapoints/\(paused)", .post, #"{"status":1}"#).0 == 200)
        _ = try await api.id("/v2/datapoints", #"{"type":1,"name":"px","title":"newsletter"}"#)
        let gone = try await api.id("/v2/datapoints", #"{"type":0,"name":"gone","typeTL":{"url":"https://shop.example/gone"}}"#)
        #expect(try await api.call("/v2/datapoints/\(gone)", .delete).0 == 200)

        for tag in ["promo", "email"] {
            let id = try await api.id("/v2/tags", #"{"name":"\#(tag)","datapoints":[\#(simple)]}"#)
            #expect(id > 0)
        }
        let seasonal = try await api.id("/v2/tags", #"{"name":"seasonal"}"#)
        #expect(try await api.call("/v2/tags/\(seasonal)/groups/patch", .put, #"{"action":"add","id":\#(spring)}"#).0 == 200)
        #expect(try await api.call("/v2/conversions/\(goal)/datapoints/patch", .put, #"{"action":"add","id":\#(simple)}"#).0 == 200)
        for ip in ["203.0.113.5", "198.51.100.0/24"] { #expect(try await api.call("/v2/account/ipblacklist", .post, #"{"ip":"\#(ip)"}"#).0 == 200) }
        #expect(try await api.call("/v2/account/domainwhitelist", .post, #"{"name":"partner.example"}"#).0 == 200)

        // Statistics: clicks, a pixel view and a crawler.
        for (path, agent) in [
            ("/spring", chrome), ("/spring", chrome), ("/spring", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
            ("/rotate", chrome), ("/px", chrome),
        ] {
            let status = try await client.execute(uri: path, method: .get, headers: [.userAgent: agent]).status
            #expect(status.code < 400, "\(path): \(status)")
        }
    }

    /// The snapshot as sorted JSON with every id replaced by the name of what it points to, and times to the second
    /// (the API's dates have no milliseconds).
    static func normalized(_ snapshot: AccountSnapshot) -> String {
        var copy = snapshot
        let domains = Dictionary(uniqueKeysWithValues: snapshot.domains.map { ($0.sourceID, $0.name) })
        let groups = Dictionary(uniqueKeysWithValues: snapshot.groups.map { ($0.sourceID, $0.name) })
        let scripts = Dictionary(uniqueKeysWithValues: snapshot.scripts.map { ($0.sourceID, $0.name) })
        let datapoints = Dictionary(uniqueKeysWithValues: snapshot.datapoints.map { ($0.sourceID, $0.name) })
        let conversions = Dictionary(uniqueKeysWithValues: snapshot.conversions.map { ($0.sourceID, $0.name) })
        copy.domains = snapshot.domains.map { .init(sourceID: $0.name, name: $0.name, type: $0.type) }.sorted { $0.name < $1.name }
        copy.groups = snapshot.groups.map {
            var g = $0; g.sourceID = g.name; return g
        }.sorted { $0.name < $1.name }
        copy.scripts = snapshot.scripts.map {
            var s = $0; s.sourceID = s.name; return s
        }.sorted { $0.name < $1.name }
        copy.conversions = snapshot.conversions.map { record in
            var c = record
            c.sourceID = c.name
            c.datapoints = c.datapoints.map { datapoints[$0] ?? "?" }.sorted()
            return c
        }.sorted { $0.name < $1.name }
        copy.datapoints = snapshot.datapoints.map { record in
            var d = record
            d.sourceID = d.name
            d.domain = d.domain.map { domains[$0] ?? "?" }
            d.group = d.group.map { groups[$0] ?? "?" }
            d.scripts = d.scripts.map { scripts[$0] ?? "?" }
            d.createdAt = nil
            return d
        }.sorted { $0.name < $1.name }
        copy.groupTags = snapshot.groupTags.map { .init(tag: $0.tag, group: groups[$0.group] ?? "?") }.sorted {
            ($0.tag, $0.group) < ($1.tag, $1.group)
        }
        copy.ipBlacklist = snapshot.ipBlacklist.sorted()
        copy.domainWhitelist = snapshot.domainWhitelist.sorted()
        copy.history = snapshot.history.map { record in
            var h = record
            h.sourceID = (record.entity == .datapoint ? datapoints : conversions)[record.sourceID] ?? "?"
            h.counts.lastHit = h.counts.lastHit / 1000 * 1000
            return h
        }.sorted { ($0.entity.rawValue, $0.sourceID, $0.day) < ($1.entity.rawValue, $1.sourceID, $1.day) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: (try? encoder.encode(copy)) ?? Data(), as: UTF8.self)
    }

    static func history(_ normalized: String) -> [Any] {
        ((try? JSONSerialization.jsonObject(with: Data(normalized.utf8))) as? [String: Any])?["history"] as? [Any] ?? []
    }

    /// The first lines where two normalized snapshots differ.
    static func difference(_ expected: String, _ actual: String) -> String {
        let left = expected.split(separator: "\n")
        let right = actual.split(separator: "\n")
        return zip(left, right).enumerated().filter { $0.element.0 != $0.element.1 }.prefix(12)
            .map { "line \($0.offset): expected \($0.element.0) / got \($0.element.1)" }.joined(separator: "\n")
            + (left.count != right.count ? "\n(\(left.count) lines expected, \(right.count) got)" : "")
    }
}
