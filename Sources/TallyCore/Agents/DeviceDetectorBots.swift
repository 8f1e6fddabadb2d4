import Foundation
import Yams

/// The bot list of Matomo's device-detector (`regexes/bots.yml`: about 850 named bots — search engines, monitors,
/// feed fetchers, SEO and security crawlers — each a regular expression with a name and a category), matched as
/// device-detector matches it: case-insensitively, at the start of the agent or after a character that cannot be part
/// of a word of the name (so `Bot` in `Robot` does not count). Its package installs it: PyPI `device_detector`
/// (`device_detector/regexes/upstream/bots.yml`, kept current) or Debian's `ruby-device-detector` (an older list).
public struct DeviceDetectorBots: Sendable {
    /// device-detector's boundary before every pattern.
    static let boundary = "(?:^|[^A-Z0-9_-]|[^A-Z0-9-]_|sprd-|MZ-)"

    let expressions: RegexList
    let names: [String]
    /// Patterns (or branches of a split one) ICU could not compile (counted in tests).
    public let skipped: Int
    /// Expressions run (a split alternation counts each branch).
    public var count: Int { names.count }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(field: "botRules", code: "bot_rules_missing", message: "cannot read device-detector's bots at \(path)")
        }
        try self.init(yaml: String(decoding: data, as: UTF8.self))
    }

    public init(yaml: String) throws {
        guard let list = try Yams.load(yaml: yaml) as? [Any] else {
            throw ValidationError(field: "botRules", code: "bot_rules_invalid", message: "device-detector's bots are not a YAML list")
        }
        var skipped = 0
        var patterns: [String] = []
        var regexes: [NSRegularExpression] = []
        var names: [String] = []
        for case let item as [String: Any] in list {
            guard let pattern = item["regex"] as? String else { continue }
            let name = (item["name"] as? String) ?? ""
            // "Generic Bot" is one alternation of a hundred names: split (when the name reads no group), each name
            // runs only when its literal is in the agent. The branches keep the list's order, so the first match names
            // the same bot.
            let split = name.contains("$1") || name.contains("\\g<") ? nil : RegexLiterals.branches(pattern)
            for branch in split ?? [pattern] {
                // The boundary only adds to what a match needs: the branch's own literals are still required.
                guard let regex = try? NSRegularExpression(pattern: Self.boundary + "(?:\(branch))", options: [.caseInsensitive]) else {
                    skipped += 1
                    continue
                }
                patterns.append(branch)
                regexes.append(regex)
                names.append(name)
            }
        }
        expressions = RegexList(patterns: patterns, regexes: regexes)
        self.names = names
        self.skipped = skipped
    }

    /// The name of the first bot whose pattern matches, with `$1` (or the Python port's `\g<1>`) filled in.
    func botName(_ userAgent: String, _ range: NSRange) -> String? {
        guard let (index, match) = expressions.firstMatch(in: userAgent, range: range) else { return nil }
        return Self.filled(names[index], match, userAgent)
    }

    static func filled(_ name: String, _ match: NSTextCheckingResult, _ userAgent: String) -> String {
        guard name.contains("$1") || name.contains("\\g<1>") else { return name }
        let group = match.numberOfRanges > 1 ? Range(match.range(at: 1), in: userAgent).map { String(userAgent[$0]) } : nil
        return name.replacingOccurrences(of: "\\g<1>", with: group ?? "").replacingOccurrences(of: "$1", with: group ?? "")
    }
}
