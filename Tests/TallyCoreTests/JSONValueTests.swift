import Foundation
import TallyCore
import Testing

/// The request body reader (`JSONValue`, under `WireObject`) against `JSONSerialization`, which read bodies before it.
@Suite struct JSONValueTests {
    /// The same tree, numbers compared as numbers (the parser keeps `1.50` as written, Foundation makes it 1.5).
    static func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
        switch (ours, theirs) {
        case (.null, is NSNull): return true
        case (.bool(let flag), let number as NSNumber): return WireObject.isBool(number) && number.boolValue == flag
        case (.number(let literal), let number as NSNumber): return !WireObject.isBool(number) && Double(literal) == number.doubleValue
        case (.string(let text), let other as String): return text == other
        case (.array(let elements), let others as [Any]): return elements.count == others.count && zip(elements, others).allSatisfy { same($0, $1) }
        case (.object(let members), let others as [String: Any]):
            return members.count == others.count && members.allSatisfy { key, value in others[key].map { same(value, $0) } ?? false }
        default: return false
        }
    }

    static let valid = [
        #"{}"#, #"[]"#, #" { "a" : [ 1 , -2.5e3 , 0 , -0 , 1E+2 , 3.25e-1 ] , "b" : { "c" : null , "d" : true , "e" : false } } "#,
        #"{"list":[{"type":0,"title":"Batch 1","typeTL":{"url":"https:\/\/x.example\/a?b=c"}},{"name":"x"}]}"#,
        #"{"escapes":"\"\\\/\b\f\n\r\t\u0000\u00e9\u20AC\ud83d\ude00","raw":"é€😀"}"#,
        #"{"big":9223372036854775807,"small":-9223372036854775808,"huge":123456789012345678901234567890,"tiny":1e-400}"#,
        #"{"same":1,"same":2}"#, "[\n\t1\r\n]", #""text""#, "12", "null", "[1,]", #"{"a":1 , }"#, "[[],{},]",
    ]

    static let invalid = [
        "", " ", "{", "}", "[,]", "{,}", "[1,,]", "[1,]]", "{'a':1}", "{a:1}", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "[+1]", "[0x10]",
        "[NaN]", "[Infinity]", "[tru]", "[nul]", "{\"a\" 1}", "[\"\u{1}\"]", "[\"a\nb\"]", "[\"\\x\"]", "[\"\\u12\"]", "[\"\\u12G4\"]",
        "[\"abc]", "{} {}", "[1] x", "{\"a\":1}]",
    ]

    @Test func readsWhatJSONSerializationReads() throws {
        for text in Self.valid {
            let ours = try #require(JSONValue(parsing: Array(text.utf8)), "refused \(text)")
            let theirs = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)
            #expect(Self.same(ours, theirs), "\(text)")
        }
    }

    @Test func refusesWhatIsNotJSON() {
        for text in Self.invalid {
            #expect(JSONValue(parsing: Array(text.utf8)) == nil, "accepted \(text)")
            #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) == nil, "Foundation accepts \(text)")
        }
    }

    @Test func refusesBadUnicode() {
        // A lone surrogate escape, a reversed pair, invalid UTF-8 (a stray continuation byte, an overlong form, a
        // truncated sequence) inside a string.
        for text in [#"["\ud83d"]"#, #"["\ude00\ud83d"]"#, #"["\ud83dx"]"#] { #expect(JSONValue(parsing: Array(text.utf8)) == nil, "\(text)") }
        for bytes: [UInt8] in [[0x5B, 0x22, 0x80, 0x22, 0x5D], [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], [0x5B, 0x22, 0xE2, 0x82, 0x22, 0x5D]] {
            #expect(JSONValue(parsing: bytes) == nil)
        }
    }

    @Test func keepsNumbersAsWritten() throws {
        let value = try #require(JSONValue(parsing: Array(#"{"a":1.50,"b":9223372036854775807,"c":-0}"#.utf8)))
        #expect(value == .object(["a": .number("1.50"), "b": .number("9223372036854775807"), "c": .number("-0")]))
        let object = try WireObject(json: Array(#"{"id":9223372036854775807,"price":"1.50","whole":2.0,"half":2.5}"#.utf8))
        #expect(try object.int64("id") == 9_223_372_036_854_775_807)
        #expect(try object.int64("whole") == 2)
        #expect(throws: ValidationError.self) { try object.int64("half") }
        #expect(try object.string("half") == "2.5")
    }

    /// A body of nothing but `[` (the body limit allows 262,144) is refused, not a stack overflow.
    @Test func deepNestingIsRefusedNotACrash() {
        #expect(JSONValue(parsing: Array(repeating: UInt8(ascii: "["), count: 262_144)) == nil)
        let deepest = String(repeating: "[", count: JSONValue.maximumDepth) + String(repeating: "]", count: JSONValue.maximumDepth)
        #expect(JSONValue(parsing: Array(deepest.utf8)) != nil)
        let deeper = "[" + deepest + "]"
        #expect(JSONValue(parsing: Array(deeper.utf8)) == nil)
    }

    /// Bodies in the encodings `JSONSerialization` took: UTF-8 with a byte order mark, UTF-16 and UTF-32 either way
    /// round, with or without one.
    @Test func readsTheEncodingsJSONSerializationRead() throws {
        let text = #"{"name":"Été 😀","id":7}"#
        let expected = JSONValue.object(["name": .string("Été 😀"), "id": .number("7")])
        let encodings: [(String, [UInt8])] = [
            ("utf-8 bom", [0xEF, 0xBB, 0xBF] + Array(text.utf8)),
            ("utf-16 bom", Array(text.data(using: .utf16)!)),
            ("utf-16le", Array(text.data(using: .utf16LittleEndian)!)),
            ("utf-16be", Array(text.data(using: .utf16BigEndian)!)),
            ("utf-32le", Array(text.data(using: .utf32LittleEndian)!)),
            ("utf-32be", Array(text.data(using: .utf32BigEndian)!)),
            ("utf-32 bom", Array(text.data(using: .utf32)!)),
        ]
        for (name, bytes) in encodings {
            #expect(JSONValue(parsing: bytes) == expected, "\(name)")
            #expect((try? JSONSerialization.jsonObject(with: Data(bytes))) != nil, "Foundation refuses \(name)")
        }
        // An odd byte count is not UTF-16; a lone surrogate is not valid UTF-16.
        #expect(JSONValue(parsing: Array(text.data(using: .utf16LittleEndian)!) + [0x20]) == nil)
        #expect(JSONValue(parsing: [0xFF, 0xFE, 0x5B, 0x00, 0x22, 0x00, 0x00, 0xD8, 0x22, 0x00, 0x5D, 0x00]) == nil)
    }
}
