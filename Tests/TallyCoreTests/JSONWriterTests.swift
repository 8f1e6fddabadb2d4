import Foundation
import TallyCore
import Testing

/// `JSONWriter` writes the JSON `JSONEncoder` (default options) writes for the same value: the same tree, and strings
/// escaped the same way. (Not the same bytes: `JSONEncoder` orders an object's members by hash, differently in each
/// process; the writer keeps declaration order.)
@Suite struct JSONWriterTests {
    struct Sample: Encodable, JSONWritable {
        let text: String
        let number: Int64
        let flag: Bool
        let missing: String?
        let present: Int?
        let nested: [Inner]
        let empty: [Inner]

        struct Inner: Encodable, JSONWritable {
            let name: String
            func write(to json: inout JSONWriter) { json.object { $0.member("name", name) } }
        }

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.member("text", text)
                json.member("number", number)
                json.member("flag", flag)
                json.member("missing", ifPresent: missing)
                json.member("present", ifPresent: present)
                json.member("nested", nested)
                json.member("empty", empty)
            }
        }
    }

    @Test func writesWhatJSONEncoderWrites() throws {
        var every = ""
        for byte in 0..<0x80 { every.unicodeScalars.append(Unicode.Scalar(UInt8(byte))) }
        for text in [every, "", "plain", "é€😀\u{7F}\u{2028}", "a\u{301}\"", "/"] {
            for number: Int64 in [0, -1, .max, .min] {
                let sample = Sample(
                    text: text, number: number, flag: number < 0, missing: nil, present: Int(truncatingIfNeeded: number),
                    nested: [.init(name: text), .init(name: "b")], empty: [])
                var json = JSONWriter()
                sample.write(to: &json)
                #expect(JSONValue(parsing: json.bytes) == JSONValue(parsing: try JSONEncoder().encode(sample)))
                #expect(JSONValue(parsing: json.bytes) != nil)
            }
        }
    }

    @Test func escapesAsJSONEncoderDoes() throws {
        for text in ["\u{0}\u{1}\u{8}\u{9}\u{A}\u{B}\u{C}\u{D}\u{1F} \"\\/\u{7F}é😀", "a\u{301}\"<>&'"] {
            var json = JSONWriter()
            json.array([text]) { json, text in json.string(text) }
            #expect(String(decoding: json.bytes, as: UTF8.self) == String(decoding: try JSONEncoder().encode([text]), as: UTF8.self))
        }
        var json = JSONWriter()
        json.object { json in
            json.member("a", 1)
            json.member("b", [Sample.Inner]())
            json.key("c")
            json.object { _ in }
            json.member("d", "x")
        }
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"{"a":1,"b":[],"c":{},"d":"x"}"#)
    }
}
