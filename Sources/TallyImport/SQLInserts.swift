import Foundation

/// The `INSERT INTO t [(columns)] VALUES (…),(…);` statements of a MySQL dump, as rows of text values (`NULL` as
/// `nil`), each statement with the line it starts on. Quoted values follow MySQL: `''` and `\'` are a quote, `\\` a
/// backslash, `\n` a line break. Everything else in the dump (CREATE TABLE, comments, LOCK TABLES) is skipped.
enum SQLInserts {
    struct Statement {
        let table: String
        let columns: [String]?
        let rows: [[String?]]
        let line: Int
    }

    struct ParseError: Error, CustomStringConvertible, Equatable {
        let line: Int
        let reason: String
        var description: String { "line \(line): \(reason)" }
    }

    static func parse(_ text: String) throws -> [Statement] {
        var statements: [Statement] = []
        let characters = Array(text.unicodeScalars)
        var index = 0
        var line = 1
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { index + offset < characters.count ? characters[index + offset] : nil }
        func advance() {
            if characters[index] == "\n" { line += 1 }
            index += 1
        }
        func skipSpace() { while let c = peek(), c.properties.isWhitespace { advance() } }
        func word() -> String {
            var result = ""
            while let c = peek(), c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) {
                result.unicodeScalars.append(c)
                advance()
            }
            return result
        }
        func identifier() -> String {
            skipSpace()
            guard peek() == "`" else { return word() }
            advance()
            var result = ""
            while let c = peek(), c != "`" {
                result.unicodeScalars.append(c)
                advance()
            }
            if peek() == "`" { advance() }
            return result
        }
        func value() throws -> String? {
            skipSpace()
            guard let first = peek() else { throw ParseError(line: line, reason: "the dump ends inside a row") }
            if first == "'" {
                advance()
                var result = ""
                while true {
                    guard let c = peek() else { throw ParseError(line: line, reason: "a quoted value is never closed") }
                    advance()
                    if c == "\\", let next = peek() {
                        advance()
                        switch next {
                        case "n": result.append("\n")
                        case "r": result.append("\r")
                        case "t": result.append("\t")
                        case "0": result.append("\0")
                        default: result.unicodeScalars.append(next)
                        }
                    } else if c == "'" {
                        if peek() == "'" {
                            advance()
                            result.append("'")
                        } else {
                            return result
                        }
                    } else {
                        result.unicodeScalars.append(c)
                    }
                }
            }
            var bare = ""
            while let c = peek(), c != ",", c != ")" {
                bare.unicodeScalars.append(c)
                advance()
            }
            let trimmed = bare.trimmingCharacters(in: .whitespaces)
            return trimmed.uppercased() == "NULL" ? nil : trimmed
        }
        while index < characters.count {
            skipSpace()
            let start = line
            let keyword = word().uppercased()
            guard keyword == "INSERT" else {
                // Not an INSERT: skip to the end of the statement (or of a comment line).
                while let c = peek(), c != ";", c != "\n" { advance() }
                if peek() != nil { advance() }
                continue
            }
            skipSpace()
            var next = word().uppercased()
            if next == "IGNORE" {
                skipSpace()
                next = word().uppercased()
            }
            guard next == "INTO" else { throw ParseError(line: start, reason: "INSERT without INTO") }
            let table = identifier()
            skipSpace()
            var columns: [String]?
            if peek() == "(" {
                advance()
                var names: [String] = []
                while true {
                    names.append(identifier())
                    skipSpace()
                    guard let c = peek() else { throw ParseError(line: start, reason: "the column list is never closed") }
                    advance()
                    if c == ")" { break }
                }
                columns = names
                skipSpace()
            }
            guard word().uppercased() == "VALUES" else { throw ParseError(line: start, reason: "INSERT INTO \(table) without VALUES") }
            var rows: [[String?]] = []
            while true {
                skipSpace()
                guard peek() == "(" else { throw ParseError(line: line, reason: "a row of \(table) does not start with (") }
                advance()
                var row: [String?] = []
                while true {
                    row.append(try value())
                    skipSpace()
                    guard let c = peek() else { throw ParseError(line: line, reason: "a row of \(table) is never closed") }
                    advance()
                    if c == ")" { break }
                    guard c == "," else { throw ParseError(line: line, reason: "unexpected \(c) in a row of \(table)") }
                }
                rows.append(row)
                skipSpace()
                guard let c = peek() else { break }
                advance()
                if c == ";" { break }
                guard c == "," else { throw ParseError(line: line, reason: "unexpected \(c) after a row of \(table)") }
            }
            statements.append(Statement(table: table, columns: columns, rows: rows, line: start))
        }
        return statements
    }
}
