import Foundation

/// The public corpora the accuracy tests compare against, read from installed packages, never copied into the repo.
/// `scripts/test` installs them (PyPI into a virtual environment, Debian packages) and sets
/// `CLICKTALLY_TEST_PYTHON`; it also sets `CLICKTALLY_TEST_REQUIRE_CORPORA=1`, which turns a missing corpus from a
/// skipped test into a failure.
enum ReferenceCorpora {
    static var python: String? { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_PYTHON"] }
    static var required: Bool { ProcessInfo.processInfo.environment["CLICKTALLY_TEST_REQUIRE_CORPORA"] == "1" }
    /// Run the test when the corpora are there, or when they must be (then it fails, saying what is missing).
    static var available: Bool { python != nil || required }

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `script` with the corpora's Python and returns what it printed.
    static func runPython(_ script: String, arguments: [String] = []) throws -> Data {
        guard let python else { throw Missing(description: "CLICKTALLY_TEST_PYTHON is not set; run scripts/test") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let failure = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Missing(description: "python failed: \(String(decoding: failure, as: UTF8.self))")
        }
        return data
    }
}
