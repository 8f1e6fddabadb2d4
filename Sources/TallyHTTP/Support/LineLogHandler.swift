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
/// written, and each line is a single `write(2)` (whole, even from several threads). At `info` the server logs
/// every request, and swift-log's StreamLogHandler cost about 27 µs a line here.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let output: @Sendable (String) -> Void

    static let timestamps = SecondTimestamp()

    /// - Parameter output: where lines go; standard error unless a test captures them.
    public init(label: String, output: @escaping @Sendable (String) -> Void = LineLogHandler.writeToStandardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = Self.timestamps.now()
        line += " \(event.level) \(label):"
        var merged = metadata
        if let extra = event.metadata, !extra.isEmpty { merged.merge(extra) { $1 } }
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key]!)"
        }
        line += " [\(event.source)] \(event.message)\n"
        output(line)
    }

    @Sendable public static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
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
