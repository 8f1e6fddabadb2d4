import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's `HTTP1Channel` with one difference: the tracking fast path sits directly after NIO's
/// HTTP/1 decoder, so a redirect answered from memory never pays for the conversion to and from HTTP
/// types (Hummingbird's `additionalChannelHandlers` only go after that codec). Everything the fast path
/// passes on reaches Hummingbird exactly as with `HTTP1Channel`.
struct TrackingHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let fastPath: @Sendable () -> TrackingFastPath
    /// How long a request head may take to arrive (`RequestHeadDeadline`).
    let headTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,  // NIOAsyncChannel answers one request at a time, in order
                withErrorHandling: false,  // Hummingbird turns errors into responses
                withOutboundHeaderValidation: false,  // HTTP types validate Hummingbird's headers; ours are fixed
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: .init()
            )
            try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(timeout: headTimeout))
            try channel.pipeline.syncOperations.addHandler(fastPath())
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the tracking fast path in front.
    static func tracking(headTimeout: TimeAmount, _ fastPath: @escaping @Sendable () -> TrackingFastPath) -> HTTPServerBuilder {
        .init { responder in TrackingHTTP1Channel(responder: responder, fastPath: fastPath, headTimeout: headTimeout) }
    }
}
