import Foundation
import TallyCore
import Testing

@Suite struct WireObjectTests {
    /// Found by Fuzz/FuzzWireObject.swift: `abs(Int64.min)` trapped, so one request stopped the server.
    @Test func theSmallestIntegerIsAnErrorNotACrash() throws {
        for number in ["-9223372036854775808", "-9223372036854775809", "9223372036854775807", "-2147483648", "2147483648"] {
            let object = try WireObject(json: Data(#"{"weight":\#(number)}"#.utf8))
            #expect(throws: ValidationError.self, "\(number)") { try object.int("weight") }
        }
        let object = try WireObject(json: Data(#"{"weight":2147483647,"low":"-2147483647"}"#.utf8))
        #expect(try object.int("weight") == 2_147_483_647)
        #expect(try object.int("low") == -2_147_483_647)
    }

    @Test func readsClickMeterLeniency() throws {
        let object = try WireObject(json: Data(#"{"Name":7,"IsDefault":"true","Id":"42","Value":"12.5","on":1}"#.utf8))
        #expect(try object.string("name") == "7")
        #expect(try object.bool("isDefault") == true)
        #expect(try object.int64("id") == 42)
        #expect(try object.double("value") == 12.5)
        #expect(try object.bool("on") == true)
        #expect(throws: ValidationError.self) { try WireObject(json: Data("[1]".utf8)) }
    }

    /// The importer's objects (`JSONSerialization`'s) read as a body is: integers exact beyond 2^53, booleans apart from
    /// 1 and 0, fractions kept.
    @Test func readsFoundationObjects() throws {
        let raw = try JSONSerialization.jsonObject(with: Data(#"{"Id":9007199254740993,"on":true,"one":1,"value":2.5,"whole":3.0}"#.utf8))
        let object = WireObject(try #require(raw as? [String: Any]))
        #expect(try object.int64("id") == 9_007_199_254_740_993)
        #expect(try object.bool("on") == true)
        #expect(throws: ValidationError.self) { try object.string("on") }
        #expect(try object.int64("one") == 1 && object.bool("one") == true)
        #expect(try object.double("value") == 2.5)
        #expect(throws: ValidationError.self) { try object.int64("value") }
        #expect(try object.int64("whole") == 3)
    }
}
