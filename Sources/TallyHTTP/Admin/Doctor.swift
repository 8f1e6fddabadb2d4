import Foundation
import Logging
import NIOSSL
import SQLKit
import TallyCore
import TallyStorage

/// `clicktally doctor`: what would stop a server or quietly degrade it, checked before it is started — the
/// configuration, the database (reachable, migrated, on the same time), the data files enrichment reads, the TLS files
/// and the clock. Each check says ok, warning (the server runs, with less) or failed (it will not start, or will
/// misbehave), with what to do. Nothing is changed: no migration is applied, no file is created.
public struct Doctor: Sendable {
    public enum Outcome: String, Sendable, Comparable {
        case ok, warning, failed

        public static func < (a: Outcome, b: Outcome) -> Bool {
            let order: [Outcome] = [.ok, .warning, .failed]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
    }

    public struct Finding: Sendable, Equatable {
        public let check: String
        public let outcome: Outcome
        public let detail: String

        public init(check: String, outcome: Outcome, detail: String) {
            self.check = check
            self.outcome = outcome
            self.detail = detail
        }
    }

    public let configuration: AppConfiguration
    public let clock: WallClock
    public let logger: Logger
    /// How long the database may take to answer.
    public var databaseTimeout: Duration = .seconds(5)

    public init(configuration: AppConfiguration, clock: WallClock = .system, logger: Logger) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func run() async -> [Finding] {
        var findings = [Finding(check: "configuration", outcome: .ok, detail: describe())]
        findings += await database()
        findings += dataFiles()
        findings += tls()
        findings.append(clockSanity())
        return findings
    }

    private func describe() -> String {
        switch configuration.database {
        case .sqlite(let path): "SQLite at \(path), listening on \(configuration.host):\(configuration.port)"
        case .postgres(let location):
            "PostgreSQL at \(location.host):\(location.port), listening on \(configuration.host):\(configuration.port)"
        }
    }

    // MARK: the database

    private func database() async -> [Finding] {
        if case .sqlite(let path) = configuration.database, !FileManager.default.fileExists(atPath: path) {
            // The first start creates the missing folders too: the nearest one that exists must be writable.
            var directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            while !FileManager.default.fileExists(atPath: directory.path), directory.path != "/" { directory.deleteLastPathComponent() }
            guard FileManager.default.isWritableFile(atPath: directory.path) else {
                return [Finding(check: "database", outcome: .failed, detail: "\(path) does not exist and \(directory.path) is not writable")]
            }
            return [Finding(check: "database", outcome: .warning, detail: "\(path) does not exist yet; the first start creates it")]
        }
        let timeout = databaseTimeout
        do {
            return try await DatabaseOpener.withDatabase(configuration.database, logger: logger) { database in
                try await Self.withTimeout(timeout) { try await self.inspect(database) }
            }
        } catch {
            return [
                Finding(
                    check: "database", outcome: .failed,
                    detail: "cannot reach it: \(Self.plain(error)); is it running, and are the address and credentials right?")
            ]
        }
    }

    private func inspect(_ database: any TallyDatabase) async throws -> [Finding] {
        let started = ContinuousClock.now
        guard await database.ping() else { throw DoctorError(description: "it does not answer SELECT 1") }
        let elapsed = started.duration(to: .now)
        var findings = [Finding(check: "database", outcome: .ok, detail: "answered in \(Self.milliseconds(elapsed)) ms")]
        let applied = try await MigrationRunner(database: database).appliedVersions()
        let latest = Migrations.latestVersion
        if let newest = applied.max(), newest > latest {
            findings.append(
                Finding(
                    check: "migrations", outcome: .failed,
                    detail: "the database is at version \(newest), newer than this binary (\(latest)): run the newer binary"))
        } else {
            let pending = Migrations.all.filter { !applied.contains($0.version) }.map(\.version)
            if pending.isEmpty {
                findings.append(Finding(check: "migrations", outcome: .ok, detail: "at version \(latest)"))
            } else {
                let automatic = configuration.autoMigrate ?? (database.kind == .sqlite)
                findings.append(
                    Finding(
                        check: "migrations", outcome: automatic ? .warning : .failed,
                        detail: "\(pending.count) pending (\(pending.map(String.init).joined(separator: ", "))): "
                            + (automatic ? "applied at the next start" : "run clicktally migrate before starting the server")))
            }
        }
        if database.kind == .postgres {
            let theirs = try await database.read { db in
                try await db.raw("SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) AS now").first(
                    decodingColumn: "now", as: Int64.self)
            }
            if let theirs {
                let skew = abs(theirs - clock.now())
                findings.append(
                    Finding(
                        check: "clock skew", outcome: skew > 30_000 ? .failed : skew > 1_000 ? .warning : .ok,
                        detail: "this machine and PostgreSQL differ by \(skew) ms"
                            + (skew > 1_000 ? ": run NTP (chrony, systemd-timesyncd) on both; rate limits and expiries read both" : "")))
            }
        }
        return findings
    }

    // MARK: data files

    private func dataFiles() -> [Finding] {
        var findings: [Finding] = []
        do {
            let rules = try UserAgentRules(path: configuration.uapCorePath)
            findings.append(
                Finding(
                    check: "uap-core", outcome: rules.skipped > 0 ? .warning : .ok,
                    detail: "\(configuration.uapCorePath)" + (rules.skipped > 0 ? ": \(rules.skipped) rules did not compile" : "")))
        } catch {
            findings.append(
                Finding(
                    check: "uap-core", outcome: .warning,
                    detail: "\(Self.plain(error)): browsers, systems and devices are not recorded; install Debian's uap-core or set --uap-core"))
        }
        if let path = configuration.geoIPDatabasePath {
            do {
                let reader = try MMDBReader(path: path)
                let age = (clock.now() / 1000 - Int64(reader.metadata.buildEpoch)) / 86_400
                findings.append(
                    Finding(
                        check: "GeoIP", outcome: age > 90 ? .warning : .ok,
                        detail: "\(path): \(reader.metadata.databaseType), built \(age) days ago" + (age > 90 ? "; update it" : "")))
            } catch {
                findings.append(Finding(check: "GeoIP", outcome: .failed, detail: "\(path): \(Self.plain(error)); the server will not start"))
            }
        } else {
            findings.append(Finding(check: "GeoIP", outcome: .warning, detail: "no --geoip-db: hits get a country only from a trusted proxy"))
        }
        if let path = configuration.crawlerPatternsPath {
            let readable = FileManager.default.isReadableFile(atPath: path)
            findings.append(
                Finding(check: "crawler patterns", outcome: readable ? .ok : .warning, detail: readable ? path : "\(path) is not readable"))
        }
        if let path = configuration.botRulesPath {
            do {
                _ = try DeviceDetectorBots(path: path)
                findings.append(Finding(check: "bot rules", outcome: .ok, detail: path))
            } catch {
                findings.append(Finding(check: "bot rules", outcome: .warning, detail: "\(path): \(Self.plain(error))"))
            }
        }
        if let path = configuration.githubScanningKeysPath {
            // The server refuses to start without them, so a bad file is a failure, not a warning.
            do {
                let keys = try GitHubScanningKeys(path: path)
                findings.append(Finding(check: "GitHub scanning keys", outcome: .ok, detail: "\(path) (\(keys.keys.count) keys)"))
            } catch {
                findings.append(Finding(check: "GitHub scanning keys", outcome: .failed, detail: "\(error)"))
            }
        }
        return findings
    }

    // MARK: TLS and the clock

    private func tls() -> [Finding] {
        guard let certificatePath = configuration.tlsCertificatePath, let keyPath = configuration.tlsKeyPath else {
            let local = ["127.0.0.1", "::1", "localhost"].contains(configuration.host)
            return [
                Finding(
                    check: "TLS", outcome: local ? .ok : .warning,
                    detail: local
                        ? "none: listening on loopback only" : "none: put a TLS proxy in front (API keys are refused over plain HTTP off loopback)")
            ]
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            guard let leaf = chain.first else { throw DoctorError(description: "\(certificatePath) holds no certificate") }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
            let days = (Int64(leaf.notValidAfter) - clock.now() / 1000) / 86_400
            let outcome: Outcome = days < 0 ? .failed : days < 14 ? .warning : .ok
            return [
                Finding(
                    check: "TLS", outcome: outcome,
                    detail: days < 0
                        ? "the certificate expired \(-days) days ago"
                        : "the certificate is valid for \(days) more day\(days == 1 ? "" : "s")" + (days < 14 ? ": renew it" : ""))
            ]
        } catch {
            return [Finding(check: "TLS", outcome: .failed, detail: "cannot use \(certificatePath) and \(keyPath): \(Self.plain(error))")]
        }
    }

    /// A wall clock years off (a board without a battery, a container's broken time) breaks expiries and statistics.
    private func clockSanity() -> Finding {
        let now = clock.now()
        let year = 1970 + Int(now / 31_556_952_000)
        guard (2025...2100).contains(year) else {
            return Finding(check: "clock", outcome: .failed, detail: "this machine's clock says \(year): set the time (NTP)")
        }
        return Finding(check: "clock", outcome: .ok, detail: SecondTimestamp.format(epochSeconds: Int(now / 1000)))
    }

    // MARK: helpers

    static func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw DoctorError(description: "no answer within \(limit)")
            }
            return value
        }
    }

    /// An error's message without what the database URL held (a password never reaches the output).
    static func plain(_ error: any Error) -> String {
        if let error = error as? ValidationError { return error.message }
        return String(describing: error)
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)
    }

    struct DoctorError: Error, CustomStringConvertible {
        let description: String
    }
}
