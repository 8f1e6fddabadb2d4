import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// A client behind a trusted proxy forges the proxy headers the proxy does not write (issue 13 §6).
/// Loopback as the trusted proxy stands in for nginx on this machine writing X-Forwarded-For / -Proto.
@Suite struct ProxyTrustTests {
    @Test(arguments: TestEngine.available)
    func aClientsOwnForwardedHeaderBehindAnXForwardedForProxyChangesNothing(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(engine, [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32")]) { setup in
            var limited = KeyService.NewKey(name: "office", scopes: .readOnly)
            limited.allowedNetworks = [IPNetwork("203.0.113.5/32")!]
            let (_, officeKey) = try await setup.createKey(limited, accountID: setup.user.accountID, by: .init(name: "test"))
            try await setup.server.application.test(.live) { client in
                func call(_ key: String, _ extra: [(String, String)]) async throws -> TestResponse {
                    var headers: HTTPFields = [.authorization: "Bearer \(key)", HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"]
                    for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
                    return try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: headers)
                }
                // The client claims the allowed address and HTTPS in Forwarded: neither is believed.
                let forgedBoth = try await call(officeKey, [("Forwarded", "for=203.0.113.5;proto=https")])
                #expect(forgedBoth.status == .unauthorized)
                #expect(try APIKeyAuthTests.errorCode(forgedBoth) == "key_address_not_allowed")
                let forgedScheme = try await call(setup.admin, [("Forwarded", "for=203.0.113.5;proto=https")])
                #expect(forgedScheme.status == .forbidden)
                #expect(try APIKeyAuthTests.errorCode(forgedScheme) == "https_required")
                // With the proxy's own X-Forwarded-Proto the scheme is believed, the forged address still is not.
                let forgedAddress = try await call(officeKey, [("Forwarded", "for=203.0.113.5;proto=https"), ("X-Forwarded-Proto", "https")])
                #expect(try APIKeyAuthTests.errorCode(forgedAddress) == "key_address_not_allowed")
                // A client's "https" ahead of the value the proxy appended is not the proxy's word.
                let forgedProto = try await call(setup.admin, [("X-Forwarded-Proto", "https, http")])
                #expect(try APIKeyAuthTests.errorCode(forgedProto) == "https_required")
                #expect(try await call(setup.admin, [("X-Forwarded-Proto", "https")]).status == .ok)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func behindAForwardedProxyOnlyForwardedCounts(_ engine: TestEngine) async throws {
        try await APIKeyAuthTests.withSetup(
            engine, [AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32"), AppConfiguration.Key.forwardedHeader: .string("forwarded")]
        ) { setup in
            try await setup.server.application.test(.live) { client in
                func call(_ extra: [(String, String)]) async throws -> TestResponse {
                    var headers: HTTPFields = [.authorization: "Bearer \(setup.admin)"]
                    for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
                    return try await client.execute(uri: "/v2/datapoints/count", method: .get, headers: headers)
                }
                let forged = try await call([("Forwarded", "for=198.51.100.7"), ("X-Forwarded-Proto", "https")])
                #expect(try APIKeyAuthTests.errorCode(forged) == "https_required")
                #expect(try await call([("Forwarded", "for=198.51.100.7;proto=https")]).status == .ok)
            }
        }
    }
}
