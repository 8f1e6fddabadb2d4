import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// A live stream's `maxSeconds` and its idle polls run on `ServiceTimers.streams`: moved by hand here, so the test
/// proves the stream lasts exactly as long as asked without waiting for real time.
@Suite struct LiveStreamClockTests {
    /// SQLite only: the clock is what is under test, and the stream reads hits the same way on both engines.
    @Test func aStreamEndsWhenItsSecondsHavePassedOnItsClockAndNotBefore() async throws {
        let streams = ManualClock()
        try await withTestServer(.sqlite, timers: ServiceTimers(streams: streams)) { server, database in
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "live@example.com", password: "long enough pass", now: 1)
            let (_, key) = try await server.keys.create(.init(name: "live", scopes: .readOnly), accountID: user.accountID, by: .init(name: "t"))
            try await server.application.test(.live) { client in
                let ended = Mutex(false)
                let stream = Task {
                    defer { ended.withLock { $0 = true } }
                    return try await client.execute(
                        uri: "/v2/clickstream/live?maxSeconds=30", method: .get, headers: [.authorization: "Bearer \(key)"])
                }
                await streams.waitUntilSleeping(1)  // idle: polled once, waiting for the next poll
                streams.advance(by: .seconds(29))
                await streams.waitUntilSleeping(1)  // polled again and still within its 30 seconds
                #expect(!ended.withLock { $0 }, "the stream ended before its 30 seconds")
                #expect(server.streams.held("key \(try #require(try await server.keys.list(accountID: user.accountID).first).id)") == 1)
                streams.advance(by: .seconds(1))
                let response = try await stream.value
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("retry: 2000\n\n"))
                #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
            }
        }
    }
}
