import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes
import TallyCore

/// Answers tracking requests on the event loop, inside the channel pipeline, before Hummingbird's
/// async request machinery: when memory already knows the datapoint and the hit buffer has room, the
/// whole redirect is a dictionary lookup, an append and a write. Everything else (cache misses, a full
/// buffer, durable mode, every other route) is passed on untouched to Hummingbird.
///
/// Responses on one connection must leave in request order, so while a passed-on request is still
/// being answered by Hummingbird, later requests on that connection are passed on too.
final class TrackingFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let tracking: TrackingHandler
    private let date: HTTPDate
    private let logger: Logger
    /// Requests passed on whose response has not yet gone out.
    private var passedOnInFlight = 0
    /// Set between a fast request's head and its end: its parts are ours, and this is its answer.
    private var pending: (answer: TrackingAnswer, method: HTTPRequest.Method, path: String, start: ContinuousClock.Instant)?

    init(tracking: TrackingHandler, date: HTTPDate, logger: Logger) {
        self.tracking = tracking
        self.date = date
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            if passedOnInFlight == 0, let (answer, path) = answer(request, peer: context.channel.remoteAddress) {
                pending = (answer, request.method, path, .now)
                return
            }
            passedOnInFlight += 1
            context.fireChannelRead(data)
        case .body:
            if pending == nil { context.fireChannelRead(data) }
        case .end:
            guard let (answer, method, path, start) = pending else {
                context.fireChannelRead(data)
                return
            }
            pending = nil
            var head = answer.head
            head.headerFields[.date] = date.header(now: tracking.clock.now())
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body = answer.body, method != .head {
                context.write(wrapOutboundOut(.body(body)), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            log(method: method, path: path, status: head.status.code, start: start)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOnInFlight = max(0, passedOnInFlight - 1) }
        context.write(data, promise: promise)
    }

    /// The answer and the request's path (without its query, which is never logged).
    private func answer(_ request: HTTPRequest, peer: SocketAddress?) -> (TrackingAnswer, String)? {
        guard let target = request.path else { return nil }
        let path: Substring
        let query: String?
        if let question = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = target[..<question]
            query = String(target[target.index(after: question)...])
        } else {
            path = Substring(target)
            query = nil
        }
        guard let target = TrackingTarget(method: request.method, path: path) else { return nil }
        // Closing the connection after the answer is Hummingbird's business; leave such requests to it.
        if let connection = request.headerFields[.connection], connection.lowercased().contains("close") { return nil }
        let answer = tracking.respondImmediately(
            to: TrackingRequest(
                method: request.method, target: target, query: query, authority: request.authority, headers: request.headerFields,
                peer: peer))
        return answer.map { ($0, String(path)) }
    }

    private func log(method: HTTPRequest.Method, path: String, status: Int, start: ContinuousClock.Instant) {
        guard logger.logLevel <= .info else { return }
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        TallyResponder.logRequest(method: method, path: path, status: status, start: start, logger: logger)
    }
}
