import Crypto
import Foundation

/// What an import did, per kind of object: created, updated, skipped (unchanged since the last run) and failed, each
/// failure with the object and the reason. A dry run fills it with what the import would do.
public struct ImportSummary: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var created = 0
        public var updated = 0
        public var skipped = 0
        public var failed = 0

        public init() {}
    }

    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public let kind: String
        /// The source's id, and its name when it has one.
        public let object: String
        public let code: String
        public let reason: String

        public var description: String { "\(kind) \(object): \(reason) (\(code))" }
    }

    public enum Outcome: Sendable { case created, updated, skipped }

    public private(set) var counts: [String: Counts] = [:]
    public private(set) var failures: [Failure] = []
    public var dryRun = false

    public init(dryRun: Bool = false) {
        self.dryRun = dryRun
    }

    public mutating func count(_ kind: String, _ outcome: Outcome, times: Int = 1) {
        switch outcome {
        case .created: counts[kind, default: Counts()].created += times
        case .updated: counts[kind, default: Counts()].updated += times
        case .skipped: counts[kind, default: Counts()].skipped += times
        }
    }

    public mutating func fail(_ kind: String, _ object: String, _ error: ValidationError) {
        counts[kind, default: Counts()].failed += 1
        failures.append(Failure(kind: kind, object: object, code: error.code, reason: error.message))
    }

    public func counts(_ kind: String) -> Counts { counts[kind] ?? Counts() }

    /// The order summaries are printed in.
    public static let kinds = ["domain", "group", "script", "conversion", "datapoint", "tag", "ipBlacklist", "domainWhitelist", "history"]

    /// One line per kind that saw anything, then each failure.
    public var report: String {
        var lines = [dryRun ? "dry run: nothing was written; this is what the import would do" : "import finished"]
        for kind in Self.kinds + counts.keys.filter({ !Self.kinds.contains($0) }).sorted() {
            guard let c = counts[kind] else { continue }
            lines.append("\(kind): \(c.created) created, \(c.updated) updated, \(c.skipped) unchanged, \(c.failed) failed")
        }
        lines += failures.map { "  failed: \($0)" }
        return lines.joined(separator: "\n")
    }
}

extension AccountSnapshot {
    /// A digest of a record as the source gave it: equal digests mean nothing changed since it was last imported.
    public static func digest(of record: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(record)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
