import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TallyCore
import TallyStorage

/// `POST /v2/keys/leaked/github`: GitHub's secret-scanning partner endpoint. GitHub finds `ctk_…` keys pushed to public
/// repositories and posts them here, signed; every real key among them is revoked at once (audit entry naming where
/// it was found, a `leaked` alert, the account's webhook), and the answer labels each token as GitHub's partner
/// protocol asks. Only a correctly signed report does anything: a missing or bad signature is a 401 and nothing is
/// looked up. No API key is needed (GitHub has none); the signature is the authentication.
struct GitHubLeakController {
    let service: KeyService
    let verifier: KeyVerifier
    let webhooks: AlertWebhooks
    /// `nil` when `--github-scanning-keys` is not set: the endpoint answers 404 `secret_scanning_not_configured`.
    let keys: GitHubScanningKeys?
    /// GitHub batches matches; more than this in one report is refused rather than revoking for minutes.
    static let maximumItems = 1_000
    static let maximumBody = 1024 * 1024

    func addRoutes(to api: APIRoutes) {
        api.onPublic(.post, "keys/leaked/github") { request, context in
            guard let keys else {
                throw APIError(
                    status: .notFound, code: "secret_scanning_not_configured",
                    message: "this server has no GitHub secret-scanning keys (--github-scanning-keys)")
            }
            var request = request
            let body: ByteBuffer
            do { body = try await request.collectBody(upTo: Self.maximumBody) } catch {
                throw APIError(status: .contentTooLarge, code: "body_too_large", message: "a report may be at most 1 MiB")
            }
            let bytes = Data(body.readableBytesView)
            guard
                keys.verify(
                    body: bytes, identifier: request.headers[.githubPublicKeyIdentifier], signature: request.headers[.githubPublicKeySignature])
            else {
                context.logger.warning("a GitHub secret-scanning report with a missing or bad signature was refused")
                throw APIError(
                    status: .unauthorized, code: "signature_invalid",
                    message: "the report is not signed by a configured GitHub secret-scanning key")
            }
            let items: [GitHubLeakItem]
            do { items = try JSONDecoder().decode([GitHubLeakItem].self, from: bytes) } catch { throw APIError.badBody }
            guard items.count <= Self.maximumItems else {
                throw APIError(status: .contentTooLarge, code: "too_many_tokens", message: "a report may name at most 1000 tokens")
            }
            let reporter = KeyService.Actor(name: "GitHub secret scanning", clientIP: context.remoteAddress?.ipAddress ?? "")
            var labels: [GitHubLeakLabel] = []
            for item in items {
                let details = "found by GitHub secret scanning" + (item.url.map { " at \($0)" } ?? "")
                let outcome = try await service.handleLeak(item.token, by: reporter, details: details)
                if case .revoked(let alert) = outcome, let token = APIKeyToken(parsing: item.token) {
                    verifier.invalidate(publicID: token.publicID)
                    webhooks.send(alert, publicID: token.publicID)
                    context.logger.notice("a key found by GitHub secret scanning was revoked", metadata: ["key": "\(token.publicID)"])
                }
                labels.append(GitHubLeakLabel(token: item.token, type: item.type ?? "clicktally_api_key", isOurs: outcome.isOurs))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys  // the same report, the same bytes
            let answer = try encoder.encode(labels)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
        }
    }
}

extension HTTPField.Name {
    static let githubPublicKeyIdentifier = Self("Github-Public-Key-Identifier")!
    static let githubPublicKeySignature = Self("Github-Public-Key-Signature")!
}
