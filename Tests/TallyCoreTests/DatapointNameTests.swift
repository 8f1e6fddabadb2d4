import Testing

@testable import TallyCore

@Suite struct DatapointNameTests {
    @Test(arguments: ["abc", "A", "a-b_c", "Summer2026", String(repeating: "x", count: 64)])
    func acceptsValidNames(_ name: String) throws {
        try DatapointName.validate(name)
    }

    @Test(arguments: [
        ("", "name_empty"), (String(repeating: "x", count: 65), "name_too_long"), ("a b", "name_invalid_characters"),
        ("a/b", "name_invalid_characters"), ("a.gif", "name_invalid_characters"), ("ünï", "name_invalid_characters"),
        ("health", "name_reserved"), ("V2", "name_reserved"), ("Metrics", "name_reserved"), ("conv", "name_reserved"),
    ])
    func refusesInvalidNames(_ name: String, _ code: String) {
        #expect(throws: ValidationError.self) { try DatapointName.validate(name) }
        do {
            try DatapointName.validate(name)
        } catch {
            #expect(error.code == code)
            #expect(error.field == "name")
        }
    }

    @Test func generatedNamesAreValidAndAvoidLookAlikes() throws {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let name = DatapointName.generate()
            try DatapointName.validate(name)
            #expect(name.count == DatapointName.generatedLength)
            #expect(!name.contains(where: { "0Oo1lI".contains($0) }))
            seen.insert(name)
        }
        #expect(seen.count == 2000)
    }
}

@Suite struct TrackingCodeTests {
    @Test func systemDomainUsesThePublicURLAndOthersHTTPS() {
        let system = Domain(id: 1, accountID: nil, name: "trk.example.com", type: .system)
        let custom = Domain(id: 2, accountID: 1, name: "go.brand.com", type: .personal)
        #expect(TrackingCode.url(publicURL: "https://trk.example.com/", domain: system, name: "abc") == "https://trk.example.com/abc")
        #expect(TrackingCode.url(publicURL: "http://127.0.0.1:8080", domain: system, name: "abc") == "http://127.0.0.1:8080/abc")
        #expect(TrackingCode.url(publicURL: "https://trk.example.com", domain: custom, name: "x") == "https://go.brand.com/x")
    }
}

@Suite struct ReservedWordTests {
    @Test func reservedWordsMatchWhateverTheCase() {
        for word in ["v2", "V2", "HEALTH", "Metrics", "openapi.json", "OpenAPI.JSON", ".well-known"] {
            #expect(DatapointName.isReserved(word), "\(word)")
            #expect(DatapointName.isReserved(Substring(word)), "\(word)")
        }
        for word in ["v3", "healthy", "metric", "b1234", "", "ünï"] {
            #expect(!DatapointName.isReserved(word), "\(word)")
        }
    }
}

@Suite struct WellFormedNameTests {
    @Test func wellFormedIsValidateWithoutTheReservedWords() {
        for name in ["abc", "health", "A-b_9", String(repeating: "x", count: 64)] { #expect(DatapointName.isWellFormed(name), "\(name)") }
        for name in ["", "a b", "a.b", "a%20b", "ünï", String(repeating: "x", count: 65)] { #expect(!DatapointName.isWellFormed(name), "\(name)") }
    }
}
