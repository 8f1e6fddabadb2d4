import Foundation
import Testing

@testable import TallyStorage

@Suite struct BatchRowsTests {
    @Test func writesRowsAsAJSONArrayOfArrays() throws {
        var rows = BatchRows()
        rows.row { row in
            row.int(0)
            row.int(-42)
            row.int(.max)
            row.int(.min)
            row.bool(true)
            row.bool(false)
            row.string(nil)
            row.string("plain")
        }
        rows.row { row in row.string("\"\\\n\u{1}é😀") }
        #expect(rows.count == 2)
        #expect(rows.text == #"[[0,-42,9223372036854775807,-9223372036854775808,true,false,null,"plain"],["\"\\\u000a\u0001é😀"]]"#)
        // Whatever it holds, the text is JSON that decodes back to the same values.
        let decoded = try JSONSerialization.jsonObject(with: Data(rows.text.utf8)) as? [[Any]]
        #expect(decoded?[1].first as? String == "\"\\\n\u{1}é😀")
    }

    @Test func anEmptySetOfRowsIsAnEmptyArray() {
        #expect(BatchRows().text == "[]")
    }

    /// PostgreSQL's COPY text format: tabs between values, a newline after each row, `\N` for null, `t`/`f`, and the
    /// four characters COPY gives meaning to escaped (NUL, which PostgreSQL text cannot hold, dropped).
    @Test func writesRowsInCopyTextFormat() {
        var rows = BatchRows(.copy)
        rows.row { row in
            row.int(-42)
            row.bool(true)
            row.bool(false)
            row.string(nil)
            row.double(1.5)
            row.string("a\tb\\c\nd\re\u{0}é")
        }
        rows.row { row in row.string("") }
        #expect(rows.count == 2)
        #expect(String(decoding: rows.bytes, as: UTF8.self) == "-42\tt\tf\t\\N\t1.5\ta\\tb\\\\c\\nd\\re\u{e9}\n\n")
    }
}
