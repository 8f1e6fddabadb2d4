import Foundation
import Logging
import TallyCore
import TallyStorage

// CPU cost of the API key layer's verification step (`KeyVerifier.verify`) on a real SQLite database:
// a valid key once it is cached, a key whose checksum is wrong (refused before any lookup), a well-formed key
// with an unknown id (cached as unknown, dummy hash compare), and a known id with a wrong secret.
// Baseline in the same run: one bare HMAC-SHA256 of a secret, the floor of any check.
//   swift run -c release bench-keys [iterations]

func cpuMicroseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
}

func measure(_ name: String, iterations: Int, _ body: () async throws -> Void) async rethrows -> Double {
    for _ in 0..<min(iterations / 10, 10_000) { try await body() }
    let start = cpuMicroseconds()
    for _ in 0..<iterations { try await body() }
    let perCall = (cpuMicroseconds() - start) / Double(iterations)
    print(name.padding(toLength: 52, withPad: " ", startingAt: 0) + String(format: "%8.2f µs CPU", perCall))
    return perCall
}

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clicktally-bench-keys-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
var logger = Logger(label: "bench-keys")
logger.logLevel = .error

try await DatabaseOpener.withDatabase(.sqlite(path: directory.appendingPathComponent("bench.sqlite").path), logger: logger) { database in
    _ = try await MigrationRunner(database: database).migrate(now: 0)
    let user = try await AccountService(database: database, bcryptCost: 4).createUser(
        email: "bench@example.com", password: "benchmark password", now: 0)
    let hasher = APIKeyHasher(pepper: APIKeyHasher.generatePepper())
    let service = KeyService(database: database, hasher: hasher, clock: .system)
    let (_, fullKey) = try await service.create(.init(name: "bench", scopes: .readOnly), accountID: user.accountID, by: .init(name: "bench"))
    // A cache lifetime longer than the run: this measures the cached path, as the server sees it between refreshes.
    let verifier = KeyVerifier(repository: SQLAPIKeyRepository(database: database), hasher: hasher, clock: .system, cacheLifetime: 3_600_000)
    var badChecksum = Array(fullKey)
    badChecksum[badChecksum.count - 1] = badChecksum.last == "A" ? "B" : "A"
    let badChecksumText = String(badChecksum)
    let unknown = APIKeyToken.generate().text
    let token = APIKeyToken(parsing: fullKey)!
    let wrongSecret = APIKeyToken(publicID: token.publicID, secret: APIKeyToken.generate().secret).text
    let client = IPAddress("203.0.113.7")

    print("key verification, \(iterations) calls each (SQLite, cache warm)")
    _ = await measure("baseline: one HMAC-SHA256 of a secret", iterations: iterations) { _ = hasher.hash(secret: token.secret) }
    let valid = try await measure("valid key, cached", iterations: iterations) {
        guard case .accepted = try await verifier.verify(fullKey, clientIP: client).verdict else { fatalError("refused") }
    }
    let checksum = try await measure("bad checksum (refused before any lookup)", iterations: iterations) {
        guard case .refused(.malformed) = try await verifier.verify(badChecksumText, clientIP: client).verdict else { fatalError("accepted") }
    }
    _ = try await measure("unknown id, valid checksum (cached miss)", iterations: iterations) {
        guard case .refused(.unknown) = try await verifier.verify(unknown, clientIP: client).verdict else { fatalError("accepted") }
    }
    _ = try await measure("known id, wrong secret", iterations: iterations) {
        guard case .refused(.unknown) = try await verifier.verify(wrongSecret, clientIP: client).verdict else { fatalError("accepted") }
    }
    print(valid < 5 ? "ok: a cached valid key verifies in under 5 µs of CPU" : "OVER BUDGET: a cached valid key took \(valid) µs (budget 5)")
    _ = checksum
}
