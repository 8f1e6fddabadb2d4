import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// Three nodes on one PostgreSQL, asked in turn as a round-robin balancer would: a key's rate limit, an address's
/// failed-authentication throttle and a rotator's order hold for the cluster, not per node. Every node reads the same
/// stopped clock, advanced by the test, so the refills are exact.
@Suite struct ClusterLimitTests {
    static var postgres: [TestEngine] { TestEngine.available.filter { $0 == .postgres } }

    static func withNodes(
        _ engine: TestEngine,
        _ body: @Sendable ([TallyServer], any TallyDatabase, MovingWallClock, [any TestClientProtocol]) async throws -> Void
    ) async throws {
        try await withMigratedTestDatabase(engine) { database, location in
            let configuration = try testConfiguration(database: location)
            let time = MovingWallClock(startingAt: 1_800_000_000_000)
            var built: [TallyServer] = []
            for _ in 0..<3 {
                built.append(try await buildApplication(configuration: configuration, database: database, clock: time.clock, logger: testLogger))
            }
            let nodes = built
            try await nodes[0].application.test(.live) { a in
                try await nodes[1].application.test(.live) { b in
                    try await nodes[2].application.test(.live) { c in try await body(nodes, database, time, [a, b, c]) }
                }
            }
        }
    }

    /// A read-only key of a new user, with these limits.
    static func key(_ node: TallyServer, _ database: any TallyDatabase, rate: Int, burst: Int) async throws -> (APIKey, String) {
        let user = try await AccountService(database: database, bcryptCost: 4).createUser(
            email: "k\(rate)-\(burst)@example.com", password: "long enough pass", now: 1)
        var new = KeyService.NewKey(name: "limited", scopes: .readOnly)
        new.ratePerSecond = rate
        new.burst = burst
        return try await node.keys.create(new, accountID: user.accountID, by: .init(name: "t"))
    }

    /// Sends `count` requests, one node after the other; returns the statuses.
    static func roundRobin(
        _ clients: [any TestClientProtocol], _ count: Int, uri: String = "/v2/datapoints/count", headers: HTTPFields
    ) async throws -> [HTTPResponse.Status] {
        var statuses: [HTTPResponse.Status] = []
        for index in 0..<count {
            statuses.append(try await clients[index % clients.count].execute(uri: uri, method: .get, headers: headers).status)
        }
        return statuses
    }

    /// A key allowed 5 a second with a burst of 10: 60 requests at one instant over three nodes pass 10 times, not
    /// 30; a second later 5 more. Mutation: per-node buckets (`RateLimiter(shared: nil)`) pass 30 and fail it.
    @Test(arguments: postgres)
    func aKeysRateLimitHoldsAcrossNodes(_ engine: TestEngine) async throws {
        try await Self.withNodes(engine) { nodes, database, time, clients in
            let (_, text) = try await Self.key(nodes[0], database, rate: 5, burst: 10)
            let headers: HTTPFields = [.authorization: "Bearer \(text)"]
            let first = try await Self.roundRobin(clients, 60, headers: headers)
            #expect(first.filter { $0 == .ok }.count == 10, "\(first)")
            #expect(first.filter { $0 == .tooManyRequests }.count == 50)
            time.advance(milliseconds: 1_000)
            let second = try await Self.roundRobin(clients, 30, headers: headers)
            #expect(second.filter { $0 == .ok }.count == 5)
            // The refused answer says when to come back, and what is left.
            let refused = try await clients[1].execute(uri: "/v2/datapoints/count", method: .get, headers: headers)
            #expect(refused.status == .tooManyRequests && refused.headers[.retryAfter] == "1")
            #expect(refused.headers[HTTPField.Name("X-Rate-Limit-Remaining")!] == "0")

            // A busy key: each node leases 10 tokens at a time (a thirtieth of the rate); the cluster still passes 300.
            let (_, busy) = try await Self.key(nodes[1], database, rate: 300, burst: 300)
            let burst = try await Self.roundRobin(clients, 400, headers: [.authorization: "Bearer \(busy)"])
            #expect(burst.filter { $0 == .ok }.count == 300)
        }
    }

    /// Sequential and weighted rotators visited through three nodes in turn keep one node's order: A, B, C, A, …;
    /// a HEAD does not move the rotation; a changed rotator starts again at its first destination.
    /// Mutation: per-node counters (`sharedRotators: nil`) give A, A, A, B, B, B, … and fail it.
    @Test(arguments: postgres)
    func rotatorsKeepTheirOrderAcrossNodes(_ engine: TestEngine) async throws {
        try await Self.withNodes(engine) { nodes, _, _, clients in
            let heard = try [nodes[1], nodes[2]].map { ChangeNotificationTests.Applied(try #require($0.changes)) }
            func rotator(_ name: String, _ mode: DestinationMode, _ weights: [Int]) async throws -> Datapoint {
                var request = DatapointService.CreateRequest(destination: "https://main.example/", name: name)
                request.options = LinkOptions(
                    mode: mode,
                    destinations: weights.enumerated().map { RotatorDestination(url: "https://d\($0.offset).example/", weight: $0.element) })
                return try await nodes[0].datapoints.create(accountID: nodes[0].defaults.accountID, domain: nodes[0].defaults.systemDomain, request)
            }
            func visits(_ path: String, _ count: Int) async throws -> [String] {
                var seen: [String] = []
                for index in 0..<count {
                    let response = try await clients[index % 3].execute(uri: path, method: .get, headers: browser)
                    seen.append(String((response.headers[.location] ?? "?").dropFirst("https://".count).prefix(2)))
                }
                return seen
            }
            let sequential = try await rotator("seq-cluster", .sequential, [0, 0, 0, 0])
            #expect(try await visits("/seq-cluster", 8) == ["d0", "d1", "d2", "d3", "d0", "d1", "d2", "d3"])
            _ = try await clients[1].execute(uri: "/seq-cluster", method: .head, headers: browser)
            #expect(try await visits("/seq-cluster", 2) == ["d0", "d1"])

            _ = try await rotator("weighted-cluster", .weighted, [2, 1])
            let order = try await visits("/weighted-cluster", 9)
            #expect(order == ["d0", "d1", "d0", "d0", "d1", "d0", "d0", "d1", "d0"], "\(order)")

            // Edited through node A: once the others heard of it, a fresh rotation on every node.
            for applied in heard { #expect(await applied.wait { $0 == ChangeListener.listening }) }
            var edited = sequential
            edited.options.destinations = [RotatorDestination(url: "https://d5.example/"), RotatorDestination(url: "https://d6.example/")]
            // The link's creation was announced too: wait for the announcement after those already applied.
            let announced: @Sendable (String) -> Bool = { $0.hasPrefix("links ") && $0.contains("seq-cluster") }
            let before = heard.map { $0.count(announced) }
            _ = try await nodes[0].datapoints.save(edited, previous: sequential)
            for (applied, seen) in zip(heard, before) { #expect(await applied.wait(occurrence: seen + 1, for: announced)) }
            #expect(try await visits("/seq-cluster", 4) == ["d5", "d6", "d5", "d6"])
        }
    }

    /// An address sending bad keys to all three nodes gets the failure budget (20) once, not three budgets (60), and
    /// once throttled, one attempt a second across the cluster, not one per node. Mutation: per-node buckets check 45.
    @Test(arguments: postgres)
    func failedAuthenticationIsThrottledAcrossNodes(_ engine: TestEngine) async throws {
        try await Self.withNodes(engine) { _, _, time, clients in
            let bad: HTTPFields = [.authorization: "Bearer ct_live_notarealkeyatall"]
            let statuses = try await Self.roundRobin(clients, 45, headers: bad)
            let refused = statuses.filter { $0 == .unauthorized }.count
            #expect(refused == 20, "\(refused) bad keys were checked")
            #expect(statuses.suffix(15).allSatisfy { $0 == .tooManyRequests })
            time.advance(milliseconds: 1_000)
            // One a second again: one more attempt is checked, the next is throttled.
            let later = try await Self.roundRobin(clients, 6, headers: bad)
            #expect(later.filter { $0 == .unauthorized }.count == 1, "\(later)")
        }
    }

    /// A key used once a minute for twelve minutes, then 45 times in one minute spread over three nodes (15 each, under the
    /// 30 that any spike needs): the cluster sees the spike, and raises one alert. Mutation: per-node baselines raise none.
    @Test(arguments: postgres)
    func aRateSpikeSpreadOverNodesIsSeenOnce(_ engine: TestEngine) async throws {
        try await Self.withNodes(engine) { nodes, database, time, clients in
            let (key, text) = try await Self.key(nodes[0], database, rate: 1_000, burst: 1_000)
            let headers: HTTPFields = [.authorization: "Bearer \(text)"]
            for minute in 0..<12 {
                #expect(try await clients[minute % 3].execute(uri: "/v2/datapoints/count", method: .get, headers: headers).status == .ok)
                time.advance(milliseconds: 60_000)
            }
            for index in 0..<45 {
                #expect(try await clients[index % 3].execute(uri: "/v2/datapoints/count", method: .get, headers: headers).status == .ok)
                time.advance(milliseconds: 100)
            }
            let spikes = try await database.count("alerts", where: "key_id = \(key.id) AND kind = 'rate_spike'")
            #expect(spikes == 1)
        }
    }
}
