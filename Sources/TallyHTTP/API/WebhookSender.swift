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
        let deadline = NIODeadline.now() + Self.timeout
        let address: SocketAddress
        do {
            address = try await OutboundResolver.address(for: url, policy: policy)
        } catch let refused as OutboundResolver.Refused {
            logger.warning("alert webhook not sent: \(refused.description)")
            return
        }
        let ssl = url.secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let serverName = url.literal == nil ? url.host : nil
        let done = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: HTTPResponseStatus.self)
        let remaining = deadline - .now()
        guard remaining > .zero else { throw ChannelError.connectTimeout(Self.timeout) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(remaining)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let ssl { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: ssl, serverHostname: serverName)) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(StatusCatcher(promise: done))
                }
            }
            .connect(to: address).get()
        var headers = HTTPHeaders()
        let defaultPort = url.secure ? 443 : 80
        headers.add(name: "Host", value: url.port == defaultPort ? url.host : "\(url.host):\(url.port)")
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "User-Agent", value: "ClickTally-Webhook")
        headers.add(name: "X-ClickTally-Signature", value: signature)
        headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: url.target, headers: headers)), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timeout = channel.eventLoop.scheduleTask(deadline: deadline) { done.fail(ChannelError.connectTimeout(Self.timeout)) }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        let status = try await done.futureResult.get()
        // A 3xx is a failure like any other answer outside 2xx: following it could lead inside.
        guard (200..<300).contains(Int(status.code)) else {
            logger.warning("alert webhook answered \(status.code)")
            return
        }
    }

    /// Completes the promise with the response's status.
    final class StatusCatcher: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<HTTPResponseStatus>

        init(promise: EventLoopPromise<HTTPResponseStatus>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) { promise.succeed(head.status) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(ChannelError.ioOnClosedChannel)
            context.fireChannelInactive()
        }
    }
}
