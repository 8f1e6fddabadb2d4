import NIOCore
import TallyCore
import Testing

@testable import TallyHTTP

/// The send-time half of the SSRF rule: a name is looked up once and every answer checked (issue 13 §3).
@Suite struct OutboundResolverTests {
    @Test func aNameThatResolvesInsideIsRefusedWhenSent() async throws {
        // "localhost" passes the save-time check only under the test allowance; sent under the real policy, the
        // system resolver's answer (loopback) refuses it.
        let url = try OutboundURL("http://localhost:9/hook", policy: OutboundPolicy(allowLoopback: true))
        await #expect(throws: OutboundResolver.Refused.self) { _ = try await OutboundResolver.address(for: url, policy: OutboundPolicy()) }
        let allowed = try await OutboundResolver.address(for: url, policy: OutboundPolicy(allowLoopback: true))
        #expect(allowed.port == 9)
    }

    @Test func aRebindingAnswerWithOneInsideAddressRefusesTheName() async throws {
        let url = try OutboundURL("https://hooks.example.com/x", policy: OutboundPolicy())
        let rebinding: @Sendable (String) async throws -> [IPAddress] = { _ in [IPAddress("93.184.216.34")!, IPAddress("169.254.169.254")!] }
        await #expect(throws: OutboundResolver.Refused.self) {
            _ = try await OutboundResolver.address(for: url, policy: OutboundPolicy(), lookup: rebinding)
        }
        let honest: @Sendable (String) async throws -> [IPAddress] = { _ in [IPAddress("93.184.216.34")!] }
        let address = try await OutboundResolver.address(for: url, policy: OutboundPolicy(), lookup: honest)
        #expect(address.ipAddress == "93.184.216.34" && address.port == 443, "it connects to the address it checked")
        let nothing: @Sendable (String) async throws -> [IPAddress] = { _ in [] }
        await #expect(throws: OutboundResolver.Refused.self) {
            _ = try await OutboundResolver.address(for: url, policy: OutboundPolicy(), lookup: nothing)
        }
    }

    @Test func aLiteralIsNeverLookedUp() async throws {
        let url = try OutboundURL("http://1572395042:8443/", policy: OutboundPolicy())
        let failing: @Sendable (String) async throws -> [IPAddress] = { _ in
            Issue.record("looked up"); return []
        }
        let address = try await OutboundResolver.address(for: url, policy: OutboundPolicy(), lookup: failing)
        #expect(address.ipAddress == "93.184.216.34" && address.port == 8443)
    }
}
