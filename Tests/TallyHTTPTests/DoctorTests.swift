import Configuration
import Foundation
import TallyCore
import TallyHTTP
import TallyStorage
import TallyTestSupport
import Testing

/// `clicktally doctor` against real databases and real files: each check finds what is wrong and says so, and a sound
/// installation is ready.
@Suite struct DoctorTests {
    static func outcome(_ findings: [Doctor.Finding], _ check: String) -> Doctor.Outcome? {
        findings.first { $0.check == check }?.outcome
    }

    @Test(arguments: TestEngine.available)
    func aMigratedDatabaseWithGoodFilesIsReady(_ engine: TestEngine) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-doctor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (certificate, key) = try TLSTests.makeCertificate(in: directory)
        try await withMigratedTestDatabase(engine) { _, location in
            let values: [String: ConfigContent] = [
                AppConfiguration.Key.tlsCertificate: .string(certificate), AppConfiguration.Key.tlsKey: .string(key),
            ]
            let findings = await Doctor(configuration: try testConfiguration(values, database: location), logger: testLogger).run()
            #expect(Self.outcome(findings, "database") == .ok)
            #expect(Self.outcome(findings, "migrations") == .ok)
            #expect(Self.outcome(findings, "clock") == .ok)
            #expect(engine == .sqlite || Self.outcome(findings, "clock skew") == .ok)
            // openssl's certificate lasts a day: valid, but due for renewal.
            let tls = try #require(findings.first { $0.check == "TLS" })
            #expect(tls.outcome == .warning && tls.detail.hasSuffix(": renew it"), "\(tls)")
            #expect(!findings.contains { $0.outcome == .failed }, "\(findings)")
        }
    }

    /// An unmigrated PostgreSQL (no automatic migration there), a missing GeoIP file, a key that is not the certificate's,
    /// a clock decades off, a database that does not answer: each one failed, with what to do.
    @Test(arguments: TestEngine.available)
    func whatIsWrongIsFailedWithWhatToDo(_ engine: TestEngine) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-doctor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try TLSTests.makeCertificate(in: directory)
        let other = directory.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let second = try TLSTests.makeCertificate(in: other)
        try await withTestDatabase(engine) { _, location in
            let values: [String: ConfigContent] = [
                AppConfiguration.Key.tlsCertificate: .string(first.certificate), AppConfiguration.Key.tlsKey: .string(second.key),
                AppConfiguration.Key.geoIPDatabase: .string(directory.appendingPathComponent("missing.mmdb").path),
            ]
            let configuration = try testConfiguration(values, database: location)
            let findings = await Doctor(configuration: configuration, clock: WallClock { 86_400_000 }, logger: testLogger).run()
            let migrations = try #require(findings.first { $0.check == "migrations" })
            if engine == .postgres {
                #expect(migrations.outcome == .failed && migrations.detail.contains("run clicktally migrate"))
                #expect(Self.outcome(findings, "clock skew") == .failed)
            } else {
                #expect(migrations.outcome == .warning && migrations.detail.contains("applied at the next start"))
            }
            #expect(Self.outcome(findings, "GeoIP") == .failed)
            #expect(Self.outcome(findings, "TLS") == .failed)
            #expect(Self.outcome(findings, "clock") == .failed)
        }
        // Nothing listens on port 1: failed within the timeout, and the password is in no line.
        var unreachable = try testConfiguration(database: .sqlite(path: "unused"))
        unreachable.database = .postgres(
            PostgresLocation(host: "127.0.0.1", port: 1, username: "u", password: "do-not-print-me", database: "d", tls: .disable))
        var doctor = Doctor(configuration: unreachable, logger: testLogger)
        doctor.databaseTimeout = .seconds(1)
        let findings = await doctor.run()
        #expect(Self.outcome(findings, "database") == .failed)
        #expect(!findings.contains { $0.detail.contains("do-not-print-me") })
    }
}
