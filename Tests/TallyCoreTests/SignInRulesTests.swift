import Foundation
import Testing

@testable import TallyCore

@Suite struct SignInRulesTests {
    /// RFC 6238 appendix B (SHA-1, the 20-byte ASCII secret), last six of the eight digits.
    @Test func totpMatchesTheRFCVectors() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let vectors: [(Int64, String)] = [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"), (2_000_000_000, "279037"),
        ]
        for (seconds, code) in vectors { #expect(totp.code(step: TOTP.step(at: seconds * 1000)) == code, "\(seconds)") }
    }

    @Test func totpAcceptsOneStepOfDriftAndNeverAStepTwice() {
        let totp = TOTP.generate()
        let now: Int64 = 1_800_000_000_000
        let step = TOTP.step(at: now)
        #expect(totp.matchingStep(totp.code(step: step), at: now, lastUsedStep: 0) == step)
        #expect(totp.matchingStep(totp.code(step: step - 1), at: now, lastUsedStep: 0) == step - 1)
        #expect(totp.matchingStep(totp.code(step: step + 1), at: now, lastUsedStep: 0) == step + 1)
        #expect(totp.matchingStep(totp.code(step: step - 2), at: now, lastUsedStep: 0) == nil)
        #expect(totp.matchingStep(totp.code(step: step), at: now, lastUsedStep: step) == nil, "replay of a used step")
        #expect(totp.matchingStep("12345", at: now, lastUsedStep: 0) == nil)
        #expect(totp.matchingStep("abcdef", at: now, lastUsedStep: 0) == nil)
        #expect(
            totp.provisioningURI(account: "a b@example.com", issuer: "ClickTally").hasPrefix("otpauth://totp/ClickTally:a%20b@example.com?secret="))
    }

    @Test func base32FollowsRFC4648() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded.lowercased() + "===") == Array(plain.utf8))
        }
        #expect(Base32.decode("MZ1W") == nil)
    }

    @Test func recoveryCodesAndTokensHaveTheirShape() {
        let code = SignInSecrets.recoveryCode()
        #expect(code.utf8.count == 11 && code.contains("-"))
        #expect(SignInSecrets.normalisedRecoveryCode(" \(code.uppercased()) ") == code.replacingOccurrences(of: "-", with: ""))
        let token = SignInSecrets.token()
        #expect(token.utf8.count == 43 && !token.contains("=") && !token.contains("+") && !token.contains("/"))
        #expect(SignInSecrets.hash(token).utf8.count == 64 && SignInSecrets.hash(token) != token)
        #expect(ConstantTime.equal("abc", "abc") && !ConstantTime.equal("abc", "abd") && !ConstantTime.equal("abc", "ab"))
    }

    static let decoderPresent = ["/usr/bin/zbarimg", "/usr/bin/rsvg-convert"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    static let decoderRequired = ProcessInfo.processInfo.environment["CLICKTALLY_TEST_REQUIRE_TOOLS"] == "1"

    /// The encoder's SVG, rasterised by librsvg and read back by zbar (a real decoder), for every size class.
    @Test(.enabled(if: decoderPresent || decoderRequired))
    func qrCodesDecodeWithARealDecoder() throws {
        let texts = [
            "http://127.0.0.1:8080/abc", "https://trk.example.com/spring-sale-2026",
            "otpauth://totp/ClickTally:owner%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=ClickTally&algorithm=SHA1&digits=6&period=30",
            "https://example.com/" + String(repeating: "päth/", count: 60), String(repeating: "x", count: 1200),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var versions: [Int] = []
        for (index, text) in texts.enumerated() {
            let code = try QRCode(text: text)
            versions.append(code.version)
            let svg = folder.appendingPathComponent("\(index).svg")
            let png = folder.appendingPathComponent("\(index).png")
            try code.svg(label: "test").write(to: svg, atomically: true, encoding: .utf8)
            try Self.run("/usr/bin/rsvg-convert", ["-w", String((code.size + 8) * 6), "-b", "white", "-o", png.path, svg.path])
            let decoded = try Self.run("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sbinary", png.path])
            #expect(decoded == text, "version \(code.version), \(text.utf8.count) bytes")
        }
        #expect(versions.first == 2 && (versions.last ?? 0) > 25, "\(versions)")
        #expect(throws: QRCode.EncodeError.tooLong(bytes: 3000)) { try QRCode(text: String(repeating: "y", count: 3000)) }
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
