import Foundation
import TallyCore
import Testing

@Suite struct FormURLEncodingTests {
    @Test func decodesPlusAndEscapes() {
        let pairs = FormURLEncoding.pairs("name=Spring+sale&dest=https%3A%2F%2Fa.example%2F%3Fq%3D1&empty=&flag&&caf%C3%A9=%E2%82%AC")
        #expect(pairs.map(\.0) == ["name", "dest", "empty", "flag", "café"])
        #expect(pairs.map(\.1) == ["Spring sale", "https://a.example/?q=1", "", "", "€"])
    }

    /// Before, `%` ate the next two characters whether or not they were hexadecimal, and `UInt8(_:radix:)` read
    /// `+f` as 15: `100%` lost its sign and `%+f` became a control character.
    @Test func keepsAPercentSignThatIsNotAnEscape() {
        #expect(FormURLEncoding.decode("100%") == "100%")
        #expect(FormURLEncoding.decode("%zz%4") == "%zz%4")
        #expect(FormURLEncoding.decode("%+f") == "% f")
        #expect(FormURLEncoding.decode("%-1") == "%-1")
        #expect(FormURLEncoding.decode("%41%4a%4A") == "AJJ")
    }

    @Test func invalidUTF8BecomesTheReplacementCharacter() {
        #expect(FormURLEncoding.decode("a%FFb") == "a\u{FFFD}b")
    }

    @Test func encodeRoundTrips() {
        for text in ["", "a b+c&d=e%f", "ünïcødé ✓", "\u{0}\t\r\n", "~-._"] {
            #expect(FormURLEncoding.decode(Substring(FormURLEncoding.encode(text))) == text)
        }
        #expect(FormURLEncoding.encode("a b/é") == "a%20b%2F%C3%A9")
    }
}
