import Foundation
import Testing

@testable import TallyStorage

@Suite struct JSONRowsTests {
    @Test func writesRowsAsAJSONArrayOfArrays() throws {
        var rows = JSONRows()
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
        #expect(JSONRows().text == "[]")
    }
}
