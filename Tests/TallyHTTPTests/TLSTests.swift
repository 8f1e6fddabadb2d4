import Configuration
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOSSL
import TallyCore
import TallyStorage
import TallyTestSupport
import Testing

@testable import TallyHTTP

/// Built-in HTTPS: a self-signed certificate made with the openssl command, a real TLS client.
@Suite struct TLSTests {
    static func makeCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "1", "-subj", "/CN=localhost",
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        #expect(openssl.terminationStatus == 0)
        return (certificate, key)
    }

    @Test func apiAndRedirectsAnswerOverTLSWithHSTS() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try Self.makeCertificate(in: directory)
        // A trusted proxy on loopback would make plain HTTP refused; under TLS the same request is secure.
        let values: [String: ConfigContent] = [
            AppConfiguration.Key.tlsCertificate: .string(certificate), AppConfiguration.Key.tlsKey: .string(key),
            AppConfiguration.Key.trustedProxies: .string("127.0.0.1/32"),
        ]
        try await withTestServer(.sqlite, values) { server, database in
            let user = try await AccountService(database: database, bcryptCost: 4).createUser(
                email: "tls@example.com", password: "long enough password", now: 1)
            let (_, fullKey) = try await server.keys.create(.init(name: "tls", scopes: .readOnly), accountID: user.accountID, by: .init(name: "t"))
            _ = try await server.datapoints.create(
                accountID: server.defaults.accountID, domain: server.defaults.systemDomain, .init(destination: "https://example.com/x", name: "abc"))
            try await server.application.test(.live) { tester in
                var clientTLS = TLSConfiguration.makeClientConfiguration()
                clientTLS.certificateVerification = .none
                let client = TestClient(
                    host: "127.0.0.1", port: try #require(tester.port), configuration: .init(tlsConfiguration: clientTLS, serverName: "localhost"))
                client.connect()
                let api = try await client.get(
                    "/v2/links", headers: [.authorization: "Bearer \(fullKey)", HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"])
                #expect(api.status == .ok)
                #expect(api.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
                for _ in 0..<3 {
                    let redirect = try await client.get("/abc")
                    #expect(redirect.status == .found)
                    #expect(redirect.headers[.location] == "https://example.com/x")
                    #expect(redirect.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000")
                }
                try await client.shutdown()
                // A client that offers at most TLS 1.1 gets no connection.
                var old = TLSConfiguration.makeClientConfiguration()
                old.certificateVerification = .none
                old.minimumTLSVersion = .tlsv1
                old.maximumTLSVersion = .tlsv11
                let oldClient = TestClient(
                    host: "127.0.0.1", port: try #require(tester.port), configuration: .init(tlsConfiguration: old, serverName: "localhost"))
                oldClient.connect()
                await #expect(throws: (any Error).self) { _ = try await oldClient.get("/abc") }
                try? await oldClient.shutdown()
            }
        }
    }

    @Test func halfATLSConfigurationIsRefused() throws {
        #expect(throws: ValidationError.self) {
            _ = try testConfiguration([AppConfiguration.Key.tlsCertificate: .string("/tmp/cert.pem")], database: .sqlite(path: "/tmp/x.sqlite"))
        }
    }
}
