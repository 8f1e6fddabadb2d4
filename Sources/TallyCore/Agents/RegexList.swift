import Foundation

/// An ordered list of compiled expressions that runs only the candidates its `LiteralPrefilter` names.
struct RegexList: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as thread-safe; it is only not marked Sendable.
    let regexes: [NSRegularExpression]
    let filter: LiteralPrefilter

    /// - Parameter patterns: each expression's source, as compiled (its literals are read from it).
    init(patterns: [String], regexes: [NSRegularExpression]) {
        precondition(patterns.count == regexes.count)
        self.regexes = regexes
        filter = LiteralPrefilter(patterns: patterns)
    }

    var count: Int { regexes.count }

    /// The first expression in list order that matches, and its match.
    func firstMatch(in text: String, range: NSRange) -> (index: Int, match: NSTextCheckingResult)? {
        for index in filter.candidates(text) {
            if let match = regexes[index].firstMatch(in: text, range: range) { return (index, match) }
        }
        return nil
    }
}

extension RegexList {
    /// One alternation split into its branches, each compiled with `options`: matches where the alternation does,
    /// running only the branches whose literal the text has.
    init(alternation: String, options: NSRegularExpression.Options) {
        let branches = RegexLiterals.branches(alternation) ?? [alternation]
        self.init(patterns: branches, regexes: branches.map { try! NSRegularExpression(pattern: $0, options: options) })
    }
}

/// Substring search on bytes (Foundation's `String.range(of:)` and `contains` were 12 % of a new agent's cost).
enum ByteSearch {
    /// Where `needle` starts in `haystack` at or after `from`, or nil.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var start = from
        while start + needle.count <= haystack.count {
            if haystack[start] == first {
                var offset = 1
                while offset < needle.count && haystack[start + offset] == needle[offset] { offset += 1 }
                if offset == needle.count { return start }
            }
            start += 1
        }
        return nil
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool { find(needle, in: haystack) != nil }
}
