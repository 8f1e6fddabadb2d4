import Foundation
import Testing

/// `docs/configuration.md` must list every setting `serve` reads, by flag and by environment variable, and
/// nothing it does not read: the keys are taken from `AppConfiguration.Key`'s source, so a new setting without
/// a row (or a row left behind by a removed one) fails here.
@Suite struct ConfigurationDocsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    /// `publicUrl` → `--public-url` and `CLICKTALLY_PUBLIC_URL`, as swift-configuration and the flags spell them.
    static func spellings(_ key: String) -> (flag: String, environment: String) {
        var words: [String] = [""]
        for character in key {
            if character.isUppercase { words.append("") }
            words[words.count - 1].append(character.lowercased())
        }
        return ("--" + words.joined(separator: "-"), "CLICKTALLY_" + words.joined(separator: "_").uppercased())
    }

    static func keys() throws -> [String] {
        let source = try String(
            contentsOf: root.appendingPathComponent("Sources/TallyHTTP/Support/AppConfiguration.swift"), encoding: .utf8)
        let body = try #require(source.range(of: "public enum Key {")).upperBound
        let end = try #require(source[body...].range(of: "\n    }")).lowerBound
        let pattern = try Regex(#"static let \w+ = "(\w+)""#)
        return source[body..<end].matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) }
    }

    static func tableRows() throws -> [Substring] {
        let document = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        return document.split(separator: "\n").filter { $0.hasPrefix("| `--") }
    }

    @Test func everySettingHasARowWithItsFlagAndVariable() throws {
        let keys = try Self.keys()
        #expect(keys.count >= 29, "the Key enum was not read: \(keys)")
        let rows = try Self.tableRows()
        for key in keys {
            let (flag, environment) = Self.spellings(key)
            let row = rows.first { $0.contains("`\(flag)`") || $0.contains("`\(flag) ") }
            #expect(row != nil, "docs/configuration.md has no row for \(flag)")
            #expect(row?.contains(environment) == true, "the row of \(flag) does not name \(environment)")
        }
    }

    @Test func everyRowNamesASettingThatExists() throws {
        let flags = Set(try Self.keys().map { Self.spellings($0).flag })
        let flagPattern = try Regex(#"`(--[a-z0-9-]+)"#)
        for row in try Self.tableRows() {
            let firstCell = row.dropFirst().prefix { $0 != "|" }
            for match in firstCell.matches(of: flagPattern) {
                let flag = String(match.output[1].substring ?? "")
                #expect(flags.contains(flag), "docs/configuration.md documents \(flag), which serve does not read")
            }
        }
    }

    @Test func spellingsFollowTheFlags() {
        #expect(Self.spellings("hitFlushMs") == ("--hit-flush-ms", "CLICKTALLY_HIT_FLUSH_MS"))
        #expect(Self.spellings("host") == ("--host", "CLICKTALLY_HOST"))
    }
}
