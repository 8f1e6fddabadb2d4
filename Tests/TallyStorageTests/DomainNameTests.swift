import Foundation
import TallyCore
import TallyStorage
import Testing

/// Domain names for `/v2/domains` and the dynamic-destination whitelist (schemathesis found `":"` crashing it).
@Suite struct DomainNameTests {
    @Test(arguments: ["go.example.com", "Go.Example.COM", " links.example.org ", "go.example.com:8443"])
    func hostNamesWithAnOptionalPortAreAccepted(_ name: String) throws {
        #expect(try SQLDomainRepository.validateName(name) == name.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: [
        "", ":", "::", ":80", "go.example.com:", "go.example.com:0", "go.example.com:65536", "go.example.com:x", "localhost",
        "-bad.example.com", "bad-.example.com", "a..b", "exa mple.com", "ex_ample.com", "é.example.com", String(repeating: "a", count: 64) + ".com",
    ])
    func everythingElseIsA400NotACrash(_ name: String) {
        #expect(throws: ValidationError.self) { try SQLDomainRepository.validateName(name) }
    }
}
