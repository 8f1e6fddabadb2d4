import Foundation
import TallyCore
import Testing
import Yams

/// The user-agent parser against uap-core's own test files (Debian's `uap-core` package: rules and tests under
/// `/usr/share/uap-core`, read in place, never copied here).
@Suite struct UserAgentParserTests {
    static let directory = ProcessInfo.processInfo.environment["CLICKTALLY_TEST_UAP_CORE"] ?? "/usr/share/uap-core"
    static var available: Bool { FileManager.default.fileExists(atPath: directory + "/regexes.yaml") || ReferenceCorpora.required }

    static func cases(_ file: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: "\(directory)/tests/\(file)", encoding: .utf8)
        return try #require((try Yams.load(yaml: text) as? [String: Any])?["test_cases"] as? [[String: Any]])
    }

    static func text(_ value: Any?) -> String? {
        guard let value, !(value is NSNull) else { return nil }
        let text = "\(value)"
        return text.isEmpty ? nil : text
    }

    static let parser: UserAgentParser? = try? UserAgentParser(rules: UserAgentRules(path: directory + "/regexes.yaml"))

    @Test(.enabled(if: available))
    func browserFamiliesAndVersionsAgreeWithUAPCoresTests() throws {
        let parser = try #require(Self.parser, "uap-core is not installed (apt-get install uap-core)")
        #expect(parser.rules.skipped == 0, "every uap-core rule compiles with ICU")
        var family = 0
        var full = 0
        let cases = try Self.cases("test_ua.yaml")
        for testCase in cases {
            let parsed = parser.parse(try #require(testCase["user_agent_string"] as? String)).browser
            if parsed.family == Self.text(testCase["family"]) {
                family += 1
                if parsed.major == Self.text(testCase["major"]), parsed.minor == Self.text(testCase["minor"]),
                    parsed.patch == Self.text(testCase["patch"])
                {
                    full += 1
                }
            }
        }
        let familyShare = Double(family) / Double(cases.count) * 100
        print(
            "uap-core test_ua.yaml: \(cases.count) user agents, browser family agrees on \(family) (\(String(format: "%.2f", familyShare)) %), family and version on \(full) (\(String(format: "%.2f", Double(full) / Double(cases.count) * 100)) %)"
        )
        #expect(cases.count > 1000)
        #expect(familyShare >= 99)
    }

    @Test(.enabled(if: available))
    func operatingSystemsAgreeWithUAPCoresTests() throws {
        let parser = try #require(Self.parser, "uap-core is not installed (apt-get install uap-core)")
        var family = 0
        var full = 0
        let cases = try Self.cases("test_os.yaml")
        for testCase in cases {
            let parsed = parser.parse(try #require(testCase["user_agent_string"] as? String)).os
            if parsed.family == Self.text(testCase["family"]) {
                family += 1
                if parsed.major == Self.text(testCase["major"]), parsed.minor == Self.text(testCase["minor"]),
                    parsed.patch == Self.text(testCase["patch"]), parsed.patchMinor == Self.text(testCase["patch_minor"])
                {
                    full += 1
                }
            }
        }
        let familyShare = Double(family) / Double(cases.count) * 100
        print(
            "uap-core test_os.yaml: \(cases.count) user agents, OS family agrees on \(family) (\(String(format: "%.2f", familyShare)) %), family and version on \(full) (\(String(format: "%.2f", Double(full) / Double(cases.count) * 100)) %)"
        )
        #expect(cases.count > 400)
        #expect(familyShare >= 99)
    }
}
