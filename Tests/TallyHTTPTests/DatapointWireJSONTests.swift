import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// The hand-written JSON of a datapoint, a batch and a list (`JSONWritable`) against `JSONEncoder` on the same values,
/// compared as parsed trees (`JSONEncoder` orders members by hash): a member added to a wire type and forgotten in its
/// writer, misspelt or written with the wrong type fails here.
@Suite struct DatapointWireJSONTests {
    static let awkward = "Spring \"sale\" / 50% \\ off\n\t\u{1}é😀"

    static func datapoint(_ mode: DestinationMode, type: DatapointType = .trackingLink, group: Int64? = 9) -> Datapoint {
        var options = LinkOptions(
            mode: mode,
            destinations: mode.isRotator
                ? [.init(url: "https://a.example/1", weight: 30), .init(url: "https://a.example/2?x=1&y=/", weight: 70)] : [],
            hideURL: true, hideURLTitle: awkward, referrerClean: .myself, scriptIDs: [4])
        options.clickIDParameter = "cid"
        return Datapoint(
            id: 42, accountID: 1, domainID: 3, type: type, name: "spring-\(mode.rawValue)", title: awkward, notes: "n/o\"tes", isFavourite: true,
            groupID: group, createdAt: 1_700_000_000, updatedAt: 1_700_000_100,
            destinationURL: type == .trackingLink ? "https://shop.example/a/b?c=d" : nil,
            redirectType: .movedPermanently, encodeIP: true, options: options)
    }

    static var wires: [DatapointWire] {
        let conversions = (1...5).map { Conversion(id: Int64($0), accountID: 1, name: "Conversion \($0) \(awkward)", createdAt: 0, updatedAt: 0) }
        let scripts = [RetargetingScript(id: 4, accountID: 1, name: "Pixel \"x\"", script: "<script></script>", createdAt: 0, updatedAt: 0)]
        var wires = [DestinationMode.simple, .random, .spillover, .sequential, .weighted].map { mode in
            DatapointWire(
                datapoint(mode), trackingCode: "<a href=\"https://go.example/x\">x</a>", tags: [.init(id: 7, name: awkward)],
                scripts: scripts, conversions: conversions, writePermited: false, groupName: "Campaign / \(awkward)")
        }
        wires.append(DatapointWire(datapoint(.simple, type: .trackingPixel, group: nil), trackingCode: ""))
        wires.append(
            DatapointWire(datapoint(.simple, group: nil), trackingCode: "", tags: [], scripts: [], conversions: Array(conversions.prefix(2))))
        return wires
    }

    static func encoded(_ value: some Encodable) throws -> JSONValue? { JSONValue(parsing: try JSONEncoder().encode(value)) }
    static func written(_ value: some JSONWritable) -> JSONValue? {
        var json = JSONWriter()
        value.write(to: &json)
        return JSONValue(parsing: json.bytes)
    }

    @Test func aDatapointIsWrittenAsJSONEncoderWritesIt() throws {
        for wire in Self.wires {
            #expect(Self.written(wire) == (try Self.encoded(wire)))
            #expect(Self.written(wire) != nil)
        }
    }

    /// Every optional member of the wire types is present in at least one fixture, so the comparison above covers it.
    @Test func theFixturesSetEveryOptionalMember() {
        func presentOptionals(_ value: Any) -> (all: Set<String>, present: Set<String>) {
            var all = Set<String>(), present = Set<String>()
            for child in Mirror(reflecting: value).children {
                guard let label = child.label else { continue }
                let mirror = Mirror(reflecting: child.value)
                guard mirror.displayStyle == .optional else { continue }
                all.insert(label)
                if !mirror.children.isEmpty { present.insert(label) }
            }
            return (all, present)
        }
        var all = Set<String>(), present = Set<String>()
        for wire in Self.wires {
            let outer = presentOptionals(wire)
            all.formUnion(outer.all)
            present.formUnion(outer.present)
            if let link = wire.typeTL {
                let inner = presentOptionals(link)
                all.formUnion(inner.all.map { "typeTL.\($0)" })
                present.formUnion(inner.present.map { "typeTL.\($0)" })
            }
        }
        #expect(all.count > 20)
        #expect(all.subtracting(present).isEmpty, "never set: \(all.subtracting(present).sorted())")
    }

    @Test func aBatchAndAListAreWrittenAsJSONEncoderWritesThem() throws {
        let items = Self.wires.map { wire in
            DatapointsController.BatchItemWire(result: EntityURI("datapoints", wire.id), entityData: wire, status: "OK", errors: [])
        }
        let failed = DatapointsController.failure(
            ValidationError(field: "TypeTL.Url", code: "url_invalid", message: "Url must be \"http\" or https/"))
        let batch = DatapointsController.BatchWire(results: items + [failed, DatapointsController.failure(CancellationError())])
        #expect(Self.written(batch) == (try Self.encoded(batch)))
        #expect(Self.written(DatapointsController.BatchWire(results: [])) == (try Self.encoded(DatapointsController.BatchWire(results: []))))
        #expect(Self.written(ListWire(entities: Self.wires)) == (try Self.encoded(ListWire(entities: Self.wires))))
        #expect(
            Self.written(ListWire(entities: [EntityURI("datapoints", 5)]))
                == JSONValue(parsing: Array(#"{"entities":[{"id":5,"uri":"\/datapoints\/5"}]}"#.utf8)))
        #expect(Self.written(ListWire<EntityURI>(entities: [])) == .object(["entities": .array([])]))
    }
}

/// The routes answer through the writer: its members come in declaration order, where `JSONEncoder` orders them by
/// hash (a body starting `{"entities":[{"id":` or `{"results":[{"result":` every time is the writer's), and a body in
/// UTF-16 is read as `JSONSerialization` read it.
@Suite struct WrittenRoutesTests {
    @Test(arguments: TestEngine.available)
    func aBatchAndAnExpandedPageAreWrittenByTheWriter(_ engine: TestEngine) async throws {
        try await DatapointsAPITests.withAPI(engine) { server, _, key, _ in
            try await server.application.test(.live) { client in
                let body =
                    #"{"list":[{"type":0,"name":"w1","title":"One / \"1\"","typeTL":{"url":"https://example.com/1"}},{"type":0,"name":"bad name!"}]}"#
                let batch = try await client.execute(
                    uri: "/v2/datapoints/batch", method: .put, headers: key, body: ByteBuffer(bytes: Array(body.data(using: .utf16LittleEndian)!)))
                #expect(batch.status == .ok)
                #expect(batch.headers[.contentType] == "application/json; charset=utf-8")
                let text = String(buffer: batch.body)
                #expect(text.hasPrefix(#"{"results":[{"result":{"id":"#), "\(text.prefix(80))")
                #expect(text.contains(#""title":"One \/ \"1\"""#) && text.contains(#""status":"Error","errors":[{"property":"#))
                let page = try await client.execute(uri: "/v2/datapoints?_expand=true", method: .get, headers: key)
                #expect(String(buffer: page.body).hasPrefix(#"{"entities":[{"id":"#))
                let ids = try await client.execute(uri: "/v2/datapoints", method: .get, headers: key)
                #expect(String(buffer: ids.body).hasPrefix(#"{"entities":[{"id":"#))
            }
        }
    }
}
