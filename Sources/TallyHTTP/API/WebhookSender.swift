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

/// POSTs each alert as JSON to `--alert-webhook-url`, signed like GitHub's webhooks:
/// `X-ClickTally-Signature: sha256=<hex HMAC-SHA256 of the body under --alert-webhook-secret>`.
/// Sent in the background with a 5 s timeout; a failure is logged, never retried, and never delays a request.
struct WebhookSender: Sendable {
    let url: URL
    let secret: String
    let logger: Logger

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
        guard let host = url.host else { return }
        let secure = url.scheme == "https"
        let port = url.port ?? (secure ? 443 : 80)
        let path = (url.path.isEmpty ? "/" : url.path) + (url.query.map { "?\($0)" } ?? "")
        let ssl = secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let done = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: HTTPResponseStatus.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let ssl { try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: ssl, serverHostname: host)) }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(StatusCatcher(promise: done))
                }
            }
            .connect(host: host, port: port).get()
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "User-Agent", value: "ClickTally-Webhook")
        headers.add(name: "X-ClickTally-Signature", value: signature)
        headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: path, headers: headers)), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(5)) { done.fail(ChannelError.connectTimeout(.seconds(5))) }
        defer {
            timeout.cancel()
            channel.close(promise: nil)
        }
        let status = try await done.futureResult.get()
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
