import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server's log output: StreamLogHandler's line format (`time level label: key=value … [source] message`),
/// built more cheaply — the timestamp is formatted once a second, metadata is merged only when a line is
/// written, and lines go out whole, in batches (`BufferedStandardError`). At `info` the server logs every
/// request, and swift-log's StreamLogHandler cost about 27 µs a line here.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let output: @Sendable (String, _ urgent: Bool) -> Void

    static let timestamps = SecondTimestamp()

    /// Standard error, buffered; `notice` and above are urgent: they (and every line before them) are written at once.
    public init(label: String) {
        self.label = label
        self.output = { line, urgent in BufferedStandardError.shared.append(line, urgent: urgent) }
    }

    /// - Parameter output: where lines go, when a test captures them.
    public init(label: String, output: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.output = { line, _ in output(line) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = ""
        line.reserveCapacity(256)
        line += Self.timestamps.now()
        line += " "
        line += event.level.rawValue
        line += " "
        line += label
        line += ":"
        // Request lines carry all their metadata in the event: no merge, no dictionary built.
        let pairs: [(key: String, value: Logger.MetadataValue)]
        if metadata.isEmpty {
            pairs = (event.metadata ?? [:]).sorted { $0.key < $1.key }
        } else {
            var merged = metadata
            if let extra = event.metadata, !extra.isEmpty { merged.merge(extra) { $1 } }
            pairs = merged.sorted { $0.key < $1.key }
        }
        for (key, value) in pairs {
            line += " "
            line += key
            line += "="
            switch value {
            case .string(let text): line += text
            case .stringConvertible(let convertible): line += convertible.description
            default: line += value.description
            }
        }
        line += " ["
        line += event.source
        line += "] "
        line += event.message.description
        line += "\n"
        output(line, event.level >= .notice)
    }
}

/// `2026-11-29T03:27:42+0000` (UTC), formatted at most once a second.
final class SecondTimestamp: Sendable {
    private let cached = Mutex<(second: Int, text: String)>((-1, ""))

    func now() -> String {
        let second = Int(Date().timeIntervalSince1970)
        return cached.withLock { cached in
            if cached.second != second { cached = (second, Self.format(epochSeconds: second)) }
            return cached.text
        }
    }

    static func format(epochSeconds: Int) -> String {
        var time = time_t(epochSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))+0000"
    }
}
