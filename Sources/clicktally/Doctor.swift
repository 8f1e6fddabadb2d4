import ArgumentParser
import Foundation
import TallyHTTP

/// `clicktally doctor`: checks what a server would need, prints one line a check, and exits 1 when any failed.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the configuration, the database (reachable, migrated, clock), data files, TLS files and the clock; change nothing.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let findings: [Doctor.Finding]
        do {
            let configuration = try await options.appConfiguration()
            findings = await Doctor(configuration: configuration, logger: makeLogger(configuration)).run()
        } catch {
            findings = [Doctor.Finding(check: "configuration", outcome: .failed, detail: "\(error)")]
        }
        let width = findings.map(\.check.count).max() ?? 0
        for finding in findings {
            let outcome = finding.outcome.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            print("\(outcome) \(finding.check.padding(toLength: width, withPad: " ", startingAt: 0))  \(finding.detail)")
        }
        let worst = findings.map(\.outcome).max() ?? .ok
        print(worst == .failed ? "Something must be fixed before the server can run as configured." : "Ready to serve.")
        if worst == .failed { throw ExitCode(1) }
    }
}
