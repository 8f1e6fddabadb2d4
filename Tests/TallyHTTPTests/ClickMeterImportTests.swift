import AsyncHTTPClient
import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TallyCore
import TallyHTTP
import TallyImport
import TallyStorage
import TallyTestSupport
import Testing

/// `clicktally import clickmeter` against a second real ClickTally serving its ClickMeter API over HTTP: what the
/// source holds (every kind of object, every link option, the statistics), the target holds after the import; a
/// second run changes nothing; a change at the source is an update; a dry run writes nothing.
@Suite struct ClickMeterImportTests {
    typealias Stats = StatsAPITests

    @Test(arguments: TestEngine.available)
    func anAccountMovesWithEverythingInItAndASecondRunChangesNothing(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { source in
            try await source.server.application.test(.live) { client in
                let api = RunningAPIShapeTests.Caller(client: client, key: source.key)
                try await ImportFixture.fill(api, client)
                let port = try #require(client.port)
                let key = try #require(source.key[HTTPField.Name("X-Clickmeter-Authkey")!])
                let sourceAPI = SourceClient(
                    client: .shared, baseURL: "http://127.0.0.1:\(port)/v2", headers: [("X-Clickmeter-Authkey", key), ("X-Forwarded-Proto", "https")])
                let range = ClickMeterSource.HistoryRange(from: "20260101", to: "20261231")
                let expected = ImportFixture.normalized(
                    try await SnapshotReader(database: source.database, accountID: source.server.defaults.accountID, clock: source.clock.wallClock)
                        .read(history: true))
                #expect(!ImportFixture.history(expected).isEmpty, "the source has statistics to move")

                try await withTestServer(engine) { target, database in
                    func run(dryRun: Bool = false) async throws -> ImportSummary {
                        let snapshot = try await ClickMeterSource(api: sourceAPI, pageSize: 2).snapshot(history: range)
                        let writer = SnapshotWriter(
                            database: database, accountID: target.defaults.accountID, systemDomain: target.defaults.systemDomain,
                            service: target.datapoints, options: .init(source: "clickmeter:127.0.0.1", dryRun: dryRun))
                        return try await writer.write(snapshot)
                    }
                    let reader = SnapshotReader(database: database, accountID: target.defaults.accountID, clock: source.clock.wallClock)

                    let dry = try await run(dryRun: true)
                    #expect(dry.counts("datapoint").created == ImportFixture.datapointCount && dry.failures.isEmpty, "\(dry.report)")
                    #expect(try await database.count("datapoints") == 0, "a dry run writes nothing")
                    #expect(try await database.count("import_ledger") == 0)

                    let first = try await run()
                    #expect(first.failures.isEmpty, "\(first.report)")
                    #expect(first.counts("datapoint").created == ImportFixture.datapointCount)
                    #expect(first.counts("group").created == 2 && first.counts("script").created == 1 && first.counts("conversion").created == 1)
                    #expect(first.counts("history").created > 0)
                    let imported = ImportFixture.normalized(try await reader.read(history: true))
                    #expect(imported == expected, "the target differs:\n\(ImportFixture.difference(expected, imported))")

                    // Again: nothing created, nothing updated, the same account.
                    let second = try await run()
                    #expect(second.failures.isEmpty)
                    for kind in ["group", "script", "conversion", "datapoint", "history", "ipBlacklist", "domainWhitelist"] {
                        #expect(second.counts(kind).created == 0 && second.counts(kind).updated == 0, "\(kind): \(second.report)")
                    }
                    #expect(ImportFixture.normalized(try await reader.read(history: true)) == expected)

                    // A change at the source is one update here (made through the source's storage: the test client's one
                    // keep-alive connection may have idled out during the imports on a loaded machine).
                    let repository = SQLDatapointRepository(database: source.database)
                    let spring = try #require(try await repository.find(domainID: source.server.defaults.systemDomain.id, name: "spring"))
                    var retitled = spring
                    retitled.title = "retitled"
                    _ = try await source.server.datapoints.save(retitled, previous: spring)
                    let third = try await run()
                    #expect(third.counts("datapoint").updated == 1 && third.counts("datapoint").created == 0, "\(third.report)")
                    let datapoints = try await reader.read(history: false).datapoints
                    #expect(datapoints.first { $0.name == "spring" }?.title == "retitled")
                }
            }
        }
    }

    @Test func aWrongKeyAnUnreachableSourceAndARateLimitAreToldApart() async throws {
        let router = Router()
        let calls = Counter()
        router.get("/v2/account") { request, _ -> Response in
            guard request.headers[HTTPField.Name("X-Clickmeter-Authkey")!] == "right" else { return Response(status: .unauthorized) }
            // Busy twice (once saying for how long), then an answer.
            switch calls.next() {
            case 1: return Response(status: .tooManyRequests, headers: [.retryAfter: "7"])
            case 2: return Response(status: .serviceUnavailable)
            default:
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: #"{"ok":true}"#)))
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        // A client of its own, shut down before the server stops (a pooled keep-alive connection would hold it open).
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        let waits = Waits()
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))/v2"
            let wrong = SourceClient(client: http, baseURL: base, headers: [("X-Clickmeter-Authkey", "wrong")], sleep: { waits.add($0) })
            await #expect(throws: ImportSourceError.unauthorized(url: base + "/account", status: 401)) { _ = try await wrong.json("/account") }
            let right = SourceClient(client: http, baseURL: base, headers: [("X-Clickmeter-Authkey", "right")], sleep: { waits.add($0) })
            let answer = try await right.json("/account") as? [String: Any]
            #expect(answer?["ok"] as? Bool == true)
            #expect(waits.all == [.seconds(7), .seconds(2)], "Retry-After is honoured, else the back-off doubles")
            let error = ImportSourceError.unauthorized(url: base + "/account", status: 401)
            #expect(!error.description.contains("wrong"), "no message carries the key")
            try await http.shutdown()
        }
        // Nothing listens on port 9 of this machine.
        let importer = SourceClient.makeHTTPClient()
        let nowhere = SourceClient(client: importer, baseURL: "http://127.0.0.1:9/v2", headers: [], sleep: { waits.add($0) })
        do {
            _ = try await nowhere.json("/account")
            Issue.record("an unreachable source answered")
        } catch let error as ImportSourceError {
            guard case .unreachable(let url, _) = error else { throw error }
            #expect(url == "http://127.0.0.1:9/v2/account")
        }
        #expect(waits.all.suffix(2) == [.seconds(1), .seconds(2)], "two more tries, a second and two apart")
        try await importer.shutdown()
    }

    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int {
            value.withLock {
                $0 += 1; return $0
            }
        }
    }

    final class Waits: Sendable {
        let values = Mutex<[Duration]>([])
        func add(_ value: Duration) { values.withLock { $0.append(value) } }
        var all: [Duration] { values.withLock { $0 } }
    }
}
