/// The literal text a regular expression cannot match without: alternatives (lower-cased ASCII), one of which is in
/// every text the expression matches, read from the pattern's syntax. `nil` when it cannot be told — a construct this
/// reader does not follow is never guessed at, so a `nil` costs speed, never a match.
///
/// `(?:Google|Bing)bot/\d+` requires `googlebot/` or `bingbot/`: exact pieces are joined, and of a sequence's pieces
/// the one whose shortest alternative is longest is kept.
enum RegexLiterals {
    /// - Parameter common: the substrings of lower-cased texts most inputs look like (`substrings(of:)`); a piece that is
    ///   none of them is preferred to any that is, however long (`acer ` over ` build` in uap-core's device rules: every
    ///   Android agent has the one).
    static func required(_ pattern: String, common: Set<String> = []) -> [String]? {
        var reader = Reader(Array(pattern.unicodeScalars), common: common)
        guard let found = try? reader.alternation(), reader.atEnd else { return nil }
        return found.alternatives
    }

    /// Alternatives one of which a match contains; `exact` when a match is exactly one of them (so a neighbour's
    /// literal can be joined to each: `-(?:AI|User)/` requires `-ai/` or `-user/`, where `ai` alone is too short).
    struct Found {
        var alternatives: [String]
        var exact: Bool
    }

    /// Joining exact pieces multiplies alternatives; past this many the sequence ends the piece instead.
    static let productLimit = 32

    /// The branches of a pattern's top-level alternation (`a|b(c|d)` → `a`, `b(c|d)`), or `nil` when it has one. A
    /// long alternation of names is one expression ICU must try at every position; split, each branch has its own
    /// literals, and only the branches whose literal is in the text run. (Capture groups are renumbered in a split
    /// branch: split only patterns whose groups are not read.)
    static func branches(_ pattern: String) -> [String]? {
        let scalars = Array(pattern.unicodeScalars)
        var branches: [String] = []
        var current = String.UnicodeScalarView()
        var depth = 0
        var inClass = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                current.append(scalar)
                current.append(scalars[index + 1])
                index += 2
                continue
            }
            switch scalar {
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass: depth -= 1
            case "|" where !inClass && depth == 0:
                branches.append(String(current))
                current = String.UnicodeScalarView()
                index += 1
                continue
            default: break
            }
            current.append(scalar)
            index += 1
        }
        branches.append(String(current))
        return branches.count > 1 && depth == 0 && !inClass ? branches : nil
    }

    /// Every substring of `texts` up to `longest` characters, for `required(_:common:)`: a set lookup per piece instead of
    /// a search of each text (which made loading the lists slow). A longer piece counts as rare; if a common text had it
    /// after all, its expression would only be a candidate more often, never skipped.
    static func substrings(of texts: [String], longest: Int = 40) -> Set<String> {
        var pieces: Set<String> = []
        for text in texts {
            let characters = Array(text)
            for start in characters.indices {
                for end in (start + 1)...min(start + longest, characters.count) { pieces.insert(String(characters[start..<end])) }
            }
        }
        return pieces
    }

    struct Unsupported: Error {}

    enum Atom {
        case character(Character)
        case other
        case group(Found?)
    }

    enum Repetition {
        case once, optional, oneOrMore
    }

    struct Reader {
        let scalars: [Unicode.Scalar]
        let common: Set<String>
        var index = 0
        init(_ scalars: [Unicode.Scalar], common: Set<String>) {
            self.scalars = scalars
            self.common = common
        }
        var atEnd: Bool { index == scalars.count }
        var next: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        /// Branches up to the closing `)` or the end: every branch must name its literals, any of them may occur.
        mutating func alternation() throws -> Found? {
            var branches = [try sequence()]
            while next == "|" {
                index += 1
                branches.append(try sequence())
            }
            var union: [String] = []
            var exact = true
            for branch in branches {
                guard let branch else { return nil }
                union += branch.alternatives
                exact = exact && branch.exact
            }
            return Found(alternatives: Array(Set(union)).sorted(), exact: exact)
        }

        /// The strongest piece of a sequence: exact pieces joined while they last, or a required group's alternatives.
        mutating func sequence() throws -> Found? {
            var best: [String]?
            var joined: [String] = [""]
            var whole = true
            let common = self.common
            func consider(_ candidate: [String]) {
                guard !candidate.isEmpty, !candidate.contains("") else { return }
                func strength(_ alternatives: [String]) -> (Int, Int, Int) {
                    let rare = alternatives.allSatisfy { !common.contains($0) }
                    return (rare ? 1 : 0, alternatives.map(\.count).min() ?? 0, -alternatives.count)
                }
                if best == nil || strength(candidate) > strength(best!) { best = candidate }
            }
            func join(_ pieces: [String]) {
                if joined.count * pieces.count > productLimit {
                    endPiece()
                    whole = false
                    joined = pieces
                } else {
                    joined = joined.flatMap { prefix in pieces.map { prefix + $0 } }
                }
            }
            func endPiece() {
                consider(joined)
                joined = [""]
            }
            while let scalar = next, scalar != "|", scalar != ")" {
                let atom = try self.atom()
                let repetition = try self.repetition()
                switch (atom, repetition) {
                case (.character(let character), .once): join([String(character)])
                case (.group(let found?), .once) where found.exact: join(found.alternatives)
                case (.character(let character), .oneOrMore):
                    join([String(character)])
                    endPiece()
                    whole = false
                case (.group(let found?), .oneOrMore) where found.exact:
                    join(found.alternatives)
                    endPiece()
                    whole = false
                case (.group(let found?), _) where repetition != .optional:
                    endPiece()
                    whole = false
                    consider(found.alternatives)
                case (.character, .optional), (.group, _), (.other, _):
                    endPiece()
                    whole = false
                }
            }
            if whole { return Found(alternatives: joined, exact: true) }
            endPiece()
            return best.map { Found(alternatives: $0, exact: false) }
        }

        mutating func atom() throws -> Atom {
            guard let scalar = next else { throw Unsupported() }
            index += 1
            switch scalar {
            case "\\":
                guard let escaped = next else { throw Unsupported() }
                index += 1
                if "dDwWsSbB".unicodeScalars.contains(escaped) { return .other }
                // Letters and digits name classes, code points, back-references or quoting: not followed here.
                guard escaped.isASCII, !escaped.properties.isAlphabetic, !("0"..."9").contains(escaped) else { throw Unsupported() }
                return .character(Character(escaped))
            case "[":
                try skipClass()
                return .other
            case "(":
                return try group()
            case ".", "^", "$": return .other
            case "*", "+", "?", "{", ")", "|": throw Unsupported()
            default:
                guard scalar.isASCII else { return .other }
                return .character(Character(String(scalar).lowercased()))
            }
        }

        /// After `(`: a plain or non-capturing or named group, an inline flag (zero-width), a look-around (not required).
        mutating func group() throws -> Atom {
            var lookAround = false
            if next == "?" {
                index += 1
                guard let kind = next else { throw Unsupported() }
                if kind == "=" || kind == "!" {
                    index += 1
                    lookAround = true
                } else if kind == "<", index + 1 < scalars.count, scalars[index + 1] == "=" || scalars[index + 1] == "!" {
                    index += 2
                    lookAround = true
                } else if kind == "<" {
                    while let name = next, name != ">" { index += 1 }
                    guard next == ">" else { throw Unsupported() }
                    index += 1
                } else {
                    // Flags: `(?i)` alone, or `(?i:` opening a group. Free-spacing (x) changes what a space means.
                    while let flag = next, flag.properties.isAlphabetic || flag == "-" {
                        if flag == "x" { throw Unsupported() }
                        index += 1
                    }
                    if next == ")" {
                        index += 1
                        return .other
                    }
                    guard next == ":" else { throw Unsupported() }
                    index += 1
                }
            }
            let found = try alternation()
            guard next == ")" else { throw Unsupported() }
            index += 1
            return lookAround ? .other : .group(found)
        }

        /// Skips `[…]` (an escaped or leading `]` is part of it); a nested set is not followed.
        mutating func skipClass() throws {
            if next == "^" { index += 1 }
            if next == "]" { index += 1 }
            while let scalar = next, scalar != "]" {
                index += 1
                if scalar == "[" { throw Unsupported() }
                if scalar == "\\" { index += 1 }
            }
            guard next == "]" else { throw Unsupported() }
            index += 1
        }

        mutating func repetition() throws -> Repetition {
            guard let scalar = next else { return .once }
            var repetition: Repetition
            switch scalar {
            case "?", "*":
                index += 1
                repetition = .optional
            case "+":
                index += 1
                repetition = .oneOrMore
            case "{":
                index += 1
                var least = ""
                while let digit = next, ("0"..."9").contains(digit) {
                    least.unicodeScalars.append(digit)
                    index += 1
                }
                while let character = next, character != "}" {
                    guard character == "," || ("0"..."9").contains(character) else { throw Unsupported() }
                    index += 1
                }
                guard next == "}", let count = Int(least) else { throw Unsupported() }
                index += 1
                repetition = count == 0 ? .optional : .oneOrMore
            default: return .once
            }
            // Lazy and possessive forms repeat the same way.
            if next == "?" || next == "+" { index += 1 }
            return repetition
        }
    }
}
