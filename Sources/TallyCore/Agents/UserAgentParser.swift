import Foundation

/// What a user agent says about itself, as uap-core reads it.
public struct ParsedUserAgent: Sendable, Equatable {
    public struct Version: Sendable, Equatable {
        public var family: String
        public var major: String?
        public var minor: String?
        public var patch: String?
        public var patchMinor: String?
    }

    public var browser: Version
    public var os: Version
    public var deviceFamily: String
    public var deviceBrand: String?
    public var deviceModel: String?
}

/// Applies uap-core's rules: the first matching rule of each list decides; a replacement's `$n` takes the n-th
/// group; without a replacement the n-th value is the n-th group; empty values are absent; no match is "Other".
public struct UserAgentParser: Sendable {
    public let rules: UserAgentRules

    public init(rules: UserAgentRules) {
        self.rules = rules
    }

    public func parse(_ userAgent: String) -> ParsedUserAgent {
        let range = NSRange(userAgent.startIndex..., in: userAgent)
        let browser = Self.firstMatch(rules.browsers, userAgent, range, count: 4)
        let os = Self.firstMatch(rules.systems, userAgent, range, count: 5)
        let device = Self.firstMatch(rules.devices, userAgent, range, count: 3, deviceStyle: true)
        return ParsedUserAgent(
            browser: .init(family: browser?[0] ?? "Other", major: browser?[1], minor: browser?[2], patch: browser?[3]),
            os: .init(family: os?[0] ?? "Other", major: os?[1], minor: os?[2], patch: os?[3], patchMinor: os?[4]),
            deviceFamily: device?[0] ?? "Other", deviceBrand: device?[1], deviceModel: device?[2])
    }

    /// The values of the first rule that matches, or `nil` when none does.
    /// - Parameter deviceStyle: device rules default brand to nothing and model to the first group (spec).
    static func firstMatch(
        _ rules: UserAgentRules.Rules, _ text: String, _ range: NSRange, count: Int, deviceStyle: Bool = false
    ) -> [String?]? {
        guard let (rule, match) = rules.expressions.firstMatch(in: text, range: range) else { return nil }
        func group(_ index: Int) -> String? {
            guard index < match.numberOfRanges, let swiftRange = Range(match.range(at: index), in: text) else { return nil }
            let value = String(text[swiftRange])
            return value.isEmpty ? nil : value
        }
        var values: [String?] = []
        for index in 0..<count {
            if let replacement = rules.replacements[rule][index] {
                values.append(Self.substitute(replacement, group))
            } else if deviceStyle {
                values.append(index == 0 || index == 2 ? group(1) : nil)
            } else {
                values.append(group(index + 1))
            }
        }
        return values
    }

    /// `$1`…`$9` replaced by the groups (absent groups by nothing), trimmed; empty is absent.
    static func substitute(_ replacement: String, _ group: (Int) -> String?) -> String? {
        var result = ""
        var characters = replacement.makeIterator()
        while let character = characters.next() {
            if character == "$", let next = characters.next() {
                if let digit = next.wholeNumberValue, digit >= 1 {
                    result += group(digit) ?? ""
                } else {
                    result.append(character)
                    result.append(next)
                }
            } else {
                result.append(character)
            }
        }
        let trimmed = result.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}
