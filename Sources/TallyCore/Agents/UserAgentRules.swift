import Foundation
import Yams

/// uap-core's rules (`regexes.yaml`): ordered regular expressions for the browser, the OS and the device, each with
/// optional replacements using `$1`…`$9` (github.com/ua-parser/uap-core, docs/specification.md).
public struct UserAgentRules: Sendable {
    /// One list's expressions (run through their literal prefilter) and each rule's replacements.
    struct Rules: Sendable {
        let expressions: RegexList
        let replacements: [[String?]]
    }

    let browsers: Rules
    let systems: Rules
    let devices: Rules
    /// Rules whose pattern ICU could not compile (reported at load, counted in tests).
    public let skipped: Int

    /// Loads `regexes.yaml` (Debian's `uap-core` installs it at `/usr/share/uap-core/regexes.yaml`).
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(field: "uapCore", code: "uap_core_missing", message: "cannot read uap-core rules at \(path)")
        }
        try self.init(yaml: String(decoding: data, as: UTF8.self))
    }

    public init(yaml: String) throws {
        guard let root = try Yams.load(yaml: yaml) as? [String: Any] else {
            throw ValidationError(field: "uapCore", code: "uap_core_invalid", message: "uap-core rules are not a YAML map")
        }
        var skipped = 0
        func rules(_ key: String, _ replacementKeys: [String]) -> Rules {
            var patterns: [String] = []
            var regexes: [NSRegularExpression] = []
            var replacements: [[String?]] = []
            for entry in root[key] as? [[String: Any]] ?? [] {
                guard let pattern = entry["regex"] as? String else { continue }
                let options: NSRegularExpression.Options = (entry["regex_flag"] as? String) == "i" ? [.caseInsensitive] : []
                guard let regex = try? NSRegularExpression(pattern: pattern, options: options) else {
                    skipped += 1
                    continue
                }
                patterns.append(pattern)
                regexes.append(regex)
                replacements.append(replacementKeys.map { key in entry[key].map { "\($0)" } })
            }
            return Rules(expressions: RegexList(patterns: patterns, regexes: regexes), replacements: replacements)
        }
        browsers = rules("user_agent_parsers", ["family_replacement", "v1_replacement", "v2_replacement", "v3_replacement"])
        systems = rules(
            "os_parsers", ["os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement", "os_v4_replacement"])
        devices = rules("device_parsers", ["device_replacement", "brand_replacement", "model_replacement"])
        self.skipped = skipped
    }
}
