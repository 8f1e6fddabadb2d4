import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TallyCore

/// One JSON POST to an outside URL, for alert and event webhooks: the host looked up once and every address checked
/// against `policy` (an account's URL may not point inside), the connection made to the address checked, `timeout` for
/// everything (look-up, connection, answer), no redirect followed. Answers the status; throws when none came
/// (`OutboundResolver.Refused` when the URL points inside).
enum OutboundPost {
    static func send(
        _ body: [UInt8], to url: OutboundURL, policy: OutboundPolicy, headers extra: [(String, String)], timeout: TimeAmount
    ) async throws -> Int {
        let deadline = NIODeadline.now() + timeout
        let address = try await OutboundResolver.address(for: url, policy: policy)
        let ssl = url.secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let serverName = url.literal == nil ? url.host : nil
        let done = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: HTTPResponseStatus.self)
        let remaining = deadline - .now()
        guard remaining > .zero else { throw ChannelError.connectTimeout(timeout) }
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
        for (name, value) in extra { headers.add(name: name, value: value) }
        headers.add(name: "Connection", value: "close")
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: url.target, headers: headers)), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) { done.fail(ChannelError.connectTimeout(timeout)) }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        return Int(try await done.futureResult.get().code)
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
