import Foundation

/// Which expressions of an ordered list could match a text, told without running them: each expression's required
/// literals (`RegexLiterals`) are looked up by their first three bytes (two for a literal of two) at every position of
/// the text (lower-cased ASCII), so a text costs two table lookups per byte instead of a pass of each expression. An
/// expression without literals of two bytes or more is always a candidate. The candidates come in list order, so a
/// first-match list (uap-core's) picks the same rule as running every expression.
///
/// Why: the lists hold about 2,000 expressions (uap-core, crawler-user-agents, device-detector); running them all took
/// about 6 ms per agent not seen before (debug build), and a flood of made-up agents makes the writer pay that per hit.
/// Behind this filter: 124–138 µs (release, `scripts/bench-ingest`).
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

    /// The agents most traffic sends (desktop and mobile browsers, an Android web view): a literal they contain makes its
    /// expression a candidate for nearly every agent, so each expression is filed under a rarer literal when it has one.
    static let commonAgents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 10; SM-G973F Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ].map { $0.lowercased() }
    static let commonText = RegexLiterals.substrings(of: commonAgents)

    init(patterns: [String]) {
        var byPrefix: [UInt32: [(literal: [UInt8], owner: Int)]] = [:]
        var always: [Int] = []
        for (owner, pattern) in patterns.enumerated() {
            guard let literals = RegexLiterals.required(pattern, common: Self.commonText), literals.allSatisfy({ $0.utf8.count >= 2 })
            else {
                always.append(owner)
                continue
            }
            for literal in literals {
                let bytes = Array(literal.utf8)
                byPrefix[bytes.count == 2 ? Self.pairKey(bytes, 0) : Self.key(bytes, 0), default: []].append((bytes, owner))
            }
        }
        self.byPrefix = byPrefix
        self.always = always
        count = patterns.count
    }

    static func key(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 16 | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2])
    }

    /// A two-byte literal's key, apart from every three-byte key.
    static func pairKey(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        1 << 24 | UInt32(bytes[at]) << 8 | UInt32(bytes[at + 1])
    }

    /// Indices of the expressions that may match `text`, ascending.
    func candidates(_ text: String) -> [Int] {
        let bytes = text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var found = [Bool](repeating: false, count: count)
        var any = false
        func look(_ key: UInt32, _ start: Int) {
            guard let entries = byPrefix[key] else { return }
            for entry in entries where !found[entry.owner] && Self.matches(entry.literal, bytes, start) {
                found[entry.owner] = true
                any = true
            }
        }
        if bytes.count >= 2 {
            for start in 0...(bytes.count - 2) {
                look(Self.pairKey(bytes, start), start)
                if start + 3 <= bytes.count { look(Self.key(bytes, start), start) }
            }
        }
        guard any else { return always }
        for owner in always { found[owner] = true }
        return found.indices.filter { found[$0] }
    }

    static func matches(_ literal: [UInt8], _ bytes: [UInt8], _ start: Int) -> Bool {
        guard start + literal.count <= bytes.count else { return false }
        for offset in min(3, literal.count)..<literal.count where literal[offset] != bytes[start + offset] { return false }
        return true
    }
}
