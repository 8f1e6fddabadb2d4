import Foundation

/// Which expressions of an ordered list could match a text, told without running them: each expression's required
/// literals (`RegexLiterals`) are looked up by their first three bytes at every position of the text (lower-cased
/// ASCII), so a text costs one table lookup per byte instead of a pass of each expression. An expression without
/// literals of three bytes or more is always a candidate. The candidates come in list order, so a first-match list
/// (uap-core's) picks the same rule as running every expression.
///
/// Why: the lists hold about 2,000 expressions (uap-core, crawler-user-agents, device-detector), and running them all
/// took milliseconds per new agent — a flood of made-up agents could hold the hit writer at a few hundred hits a second.
///
/// The look-up lower-cases ASCII only; a case-insensitive expression also matches a few non-ASCII look-alikes of ASCII
/// letters (the Kelvin sign for `k`, the long s for `s`), which the filter does not count as the letter. An agent
/// spelled that way on purpose was not going to call itself a bot anyway.
struct LiteralPrefilter: Sendable {
    /// Literal bytes and the expression each belongs to, by the literal's first three bytes.
    let byPrefix: [UInt32: [(literal: [UInt8], owner: Int)]]
    /// Expressions without usable literals, in order.
    let always: [Int]
    let count: Int

    init(patterns: [String]) {
        var byPrefix: [UInt32: [(literal: [UInt8], owner: Int)]] = [:]
        var always: [Int] = []
        for (owner, pattern) in patterns.enumerated() {
            guard let literals = RegexLiterals.required(pattern), literals.allSatisfy({ $0.utf8.count >= 3 }) else {
                always.append(owner)
                continue
            }
            for literal in literals {
                let bytes = Array(literal.utf8)
                byPrefix[Self.key(bytes, 0), default: []].append((bytes, owner))
            }
        }
        self.byPrefix = byPrefix
        self.always = always
        count = patterns.count
    }

    static func key(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 16 | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2])
    }

    /// Indices of the expressions that may match `text`, ascending.
    func candidates(_ text: String) -> [Int] {
        let bytes = text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var found = [Bool](repeating: false, count: count)
        var any = false
        if bytes.count >= 3 {
            for start in 0...(bytes.count - 3) {
                guard let entries = byPrefix[Self.key(bytes, start)] else { continue }
                for entry in entries where !found[entry.owner] && Self.matches(entry.literal, bytes, start) {
                    found[entry.owner] = true
                    any = true
                }
            }
        }
        guard any else { return always }
        for owner in always { found[owner] = true }
        return found.indices.filter { found[$0] }
    }

    static func matches(_ literal: [UInt8], _ bytes: [UInt8], _ start: Int) -> Bool {
        guard start + literal.count <= bytes.count else { return false }
        for offset in 3..<literal.count where literal[offset] != bytes[start + offset] { return false }
        return true
    }
}

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
