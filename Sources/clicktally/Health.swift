import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// `clicktally health`: asks a running server's `/health` and exits 0 only when it answers 200 with the database
/// reachable — the container image's HEALTHCHECK (the image holds no curl) and a load balancer's script check.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Exit 0 when the server at --url answers /health with the database reachable, 1 otherwise.")

    @Option(help: "The server's health URL.") var url = "http://127.0.0.1:8080/health"
    @Option(help: "Seconds to wait for the answer.") var timeout = 3

    func run() async throws {
        let answer = try? await ImportCommand.withHTTPClient { http in
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(Int64(timeout)))
            // The status's description is "200 OK" (NIOHTTP1's own type, which this target does not import).
            let status = Int(String(describing: response.status).prefix { $0.isNumber }) ?? 0
            return (status, String(buffer: try await response.body.collect(upTo: 64 * 1024)))
        }
        guard let (status, body) = answer else {
            print("unhealthy: no answer from \(url)")
            throw ExitCode(1)
        }
        print(status == 200 ? "healthy: \(body)" : "unhealthy: \(status) \(body)")
        if status != 200 || !body.contains("\"database\":\"ok\"") { throw ExitCode(1) }
    }
}
