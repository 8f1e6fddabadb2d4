import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// The channel-pipeline fast path must answer exactly as the routed path does.
@Suite struct FastPathTests {
    @Test(arguments: TestEngine.available)
    func fastAnswersMatchRoutedAnswers(_ engine: TestEngine) async throws {
        try await withTestServer(engine, ["port": .int(0)]) { server, database in
            // Made after start-up, so the first request of each misses the cache and takes the routed path.
            try await server.link("https://example.com/x?a=1", name: "link")
            try await server.pixel(name: "px")
            try await server.application.test(.live) { client in
                for path in ["/link?utm=2", "/px.gif", "/nothing"] {
                    let routed = try await client.execute(uri: path, method: .get, headers: browser) { $0 }
                    let fast = try await client.execute(uri: path, method: .get, headers: browser) { $0 }
                    #expect(routed.status == fast.status, "\(path)")
                    for field in [HTTPField.Name.location, .cacheControl, .contentType, .contentLength] {
                        #expect(routed.headers[field] == fast.headers[field], "\(path) \(field)")
                    }
                    #expect(fast.headers[.date] != nil)
                    #expect(Array(buffer: routed.body) == Array(buffer: fast.body), "\(path)")
                }
                let head = try await client.execute(uri: "/px.gif", method: .head) { $0 }
                #expect(head.status == .ok && head.body.readableBytes == 0)
                // The second request of each pair and the HEAD came by the fast path; the first ones did not.
                let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                #expect(metrics.contains("clicktally_tracking_fast_path_answers_total 4"))
            }
            #expect(try await database.count("hits", where: "query = 'utm=2'") == 2)
            #expect(try await database.count("hits") == 4)
        }
    }

    /// Two requests in one write: the first goes to Hummingbird, the second could be answered at once,
    /// but answers must leave in request order.
    @Test func pipelinedResponsesKeepRequestOrder() async throws {
        try await withTestServer(.sqlite, ["port": .int(0)]) { server, _ in
            try await server.link("https://example.com/p", name: "pipe")
            try await server.application.test(.live) { client in
                // Warm the cache so `/pipe` is fast-path eligible.
                try await client.execute(uri: "/pipe", method: .get) { #expect($0.status == .found) }
                let port = try #require(client.port)
                let raw = try await rawExchange(
                    port: port,
                    "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /pipe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    until: { $0.components(separatedBy: "HTTP/1.1 ").count >= 3 })
                let health = try #require(raw.range(of: "HTTP/1.1 200"))
                let redirect = try #require(raw.range(of: "HTTP/1.1 302"))
                #expect(health.lowerBound < redirect.lowerBound)
            }
        }
    }
}

/// Sends `request` on a plain TCP connection and collects what comes back until `done` says so (or 5 s pass).
func rawExchange(port: Int, _ request: String, until done: @escaping @Sendable (String) -> Bool) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(string: request))
        var received = ""
        let deadline = ContinuousClock.now + .seconds(5)
        for try await chunk in inbound {
            received += String(buffer: chunk)
            if done(received) || ContinuousClock.now > deadline { break }
        }
        return received
    }
}
