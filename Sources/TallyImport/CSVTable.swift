import Foundation

/// A comma-separated file as rows of fields (RFC 4180: fields in double quotes may hold commas, quotes doubled, and
/// line breaks), each row with the line it starts on, so an error can name it.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let header: [String]
    public let rows: [Row]

    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    public init(_ text: String, separator: Character = ",") throws {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var afterQuote = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        func next() -> Character? {
            if let character = pending {
                pending = nil
                return character
            }
            return iterator.next()
        }
        while let character = next() {
            if quoted {
                if character == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { quoted = false; afterQuote = true; pending = following }
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            case separator:
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                fields.append(field)
                if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
                fields = []
                field = ""
                afterQuote = false
                line += 1
                rowLine = line
            default:
                if afterQuote { throw ParseError(line: line, reason: "text after a closing quote") }
                field.append(character)
            }
        }
        if quoted { throw ParseError(line: rowLine, reason: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(Row(line: rowLine, fields: fields))
        }
        guard let first = rows.first else { throw ParseError(line: 1, reason: "the file is empty: it needs a header row") }
        // A UTF-8 byte-order mark (spreadsheets write one) is not part of the first column's name.
        header = first.fields.map { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespaces) }
        self.rows = Array(rows.dropFirst())
    }

    /// The row's value of a column, by header name (any case); `nil` when the file has no such column.
    public func value(_ row: Row, _ column: String) -> String? {
        guard let index = header.firstIndex(where: { $0.lowercased() == column.lowercased() }) else { return nil }
        return index < row.fields.count ? row.fields[index] : ""
    }
}

extension CSVTable {
    /// A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break.
    public static func quoted(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
