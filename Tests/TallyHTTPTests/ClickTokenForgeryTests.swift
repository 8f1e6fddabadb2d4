import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Someone who knows a link's id writes their own click tokens to credit conversions to it (issue 13 §8): only
/// tokens this server signed for a real click count.
@Suite struct ClickTokenForgeryTests {
    typealias Stats = StatsAPITests

    @Test(arguments: TestEngine.available)
    func forgedOrTamperedClickTokensCreditNothing(_ engine: TestEngine) async throws {
        try await Stats.withStats(engine) { setup in
            let link = try await setup.server.link("https://shop.example/", name: "sale")
            try await setup.server.application.test(.live) { client in
                var json = setup.key
                json[.contentType] = "application/json"
                let conversionID = try await Stats.goal(client, setup, linkedTo: link.id)
                let click = try await client.execute(uri: "/sale", method: .get, headers: [.userAgent: Stats.chrome])
                let cookie = try #require(click.headers[values: .setCookie].first { $0.hasPrefix("ct_lc=") })
                let real = String(cookie.dropFirst(6).prefix { $0 != ";" })
                let body = String(real.prefix { $0 != "." })
                #expect(real.count == body.count + 33, "a 128-bit signature in hex follows the token")
                setup.clock.advance(minutes: 1)
                let now = setup.clock.wallClock.now()
                let flipped = real.last == "0" ? "1" : "0"
                let forgeries = [
                    "\(link.id)-12345-\(now)",  // an unsigned token, as earlier versions wrote them
                    "\(link.id)-12345-\(now).\(String(repeating: "0", count: 32))",  // a made-up signature
                    String(real.dropLast()) + flipped,  // the real token with its signature changed
                    "\(link.id)-\(body.split(separator: "-")[1])-\(now)." + real.split(separator: ".")[1],  // a new time under the old signature
                ]
                for forged in forgeries {
                    let pixel = try await client.execute(
                        uri: "/cv/\(conversionID).gif?val=10", method: .get, headers: [.cookie: "ct_lc=\(forged)", .userAgent: Stats.chrome])
                    #expect(pixel.status == .ok)
                    let viaQuery = try await client.execute(uri: "/cv/\(conversionID).gif?val=10&clid=\(forged)", method: .get)
                    #expect(viaQuery.status == .ok)
                    let event = try await client.execute(
                        uri: "/v2/conversions/\(conversionID)/events", method: .post, headers: json,
                        body: ByteBuffer(string: #"{"clickId":"\#(forged)","value":10}"#))
                    #expect(event.status == .badRequest, "\(forged)")
                    #expect(try Stats.json(event)["errors"].map { "\($0)".contains("click_id_invalid") } == true)
                }
                var totals = try Stats.json(
                    try await client.execute(uri: "/v2/datapoints/\(link.id)/aggregated?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int(totals, "convertedClicks") == 0, "no forged token was credited")
                // The real token still credits its click.
                _ = try await client.execute(
                    uri: "/cv/\(conversionID).gif?val=10", method: .get, headers: [.cookie: "ct_lc=\(real)", .userAgent: Stats.chrome])
                totals = try Stats.json(
                    try await client.execute(uri: "/v2/datapoints/\(link.id)/aggregated?timeFrame=today", method: .get, headers: setup.key))
                #expect(Stats.int(totals, "convertedClicks") == 1)
            }
        }
    }
}
