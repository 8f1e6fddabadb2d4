import Crypto
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TallyCore
import TallyStorage

/// POSTs each alert as JSON to a webhook, signed like GitHub's webhooks:
/// `X-ClickTally-Signature: sha256=<hex HMAC-SHA256 of the body under the secret>`.
/// Sent in the background, within 5 s all told (look-up, connection, answer); a failure is logged, never retried, and
/// never delays a request. The host is looked up once and every address checked against `policy` (an account's own
/// webhook may not point inside); the connection goes to the address checked. Redirects are never followed.
struct WebhookSender: Sendable {
    let url: OutboundURL
    let secret: String
    let policy: OutboundPolicy
    let logger: Logger
    static let timeout: TimeAmount = .seconds(5)

    struct Payload: Codable, Equatable {
        let kind: String
        let message: String
        let keyId: String?
        let clientIp: String
        let createdAt: String
    }

    func send(_ alert: KeyAlert, publicID: String?) {
        let payload = Payload(
            kind: alert.kind.rawValue, message: alert.message, keyId: publicID, clientIp: alert.clientIP, createdAt: KeyJSON.iso(alert.createdAt))
        guard let body = try? JSONEncoder().encode(payload) else { return }
        let signature = "sha256=" + Self.signature(of: Array(body), secret: secret)
        Task {
            do {
                try await post(body: Array(body), signature: signature)
            } catch {
                logger.warning("alert webhook failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    static func signature(of body: [UInt8], secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    private func post(body: [UInt8], signature: String) async throws {
        let status: Int
        do {
            status = try await OutboundPost.send(
                body, to: url, policy: policy, headers: [("X-ClickTally-Signature", signature)], timeout: Self.timeout)
        } catch let refused as OutboundResolver.Refused {
            logger.warning("alert webhook not sent: \(refused.description)")
            return
        }
        // A 3xx is a failure like any other answer outside 2xx: following it could lead inside.
        guard (200..<300).contains(status) else {
            logger.warning("alert webhook answered \(status)")
            return
        }
    }
}
