import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import TallyCore

/// Answers tracking requests on the event loop, right after NIO's HTTP/1 decoder and before the HTTP-types
/// codec and Hummingbird's async request machinery: when memory already knows the datapoint and the hit
/// buffer has room, the whole redirect is a dictionary lookup, an append and a write. Everything else
/// (cache misses, a full buffer, durable mode, `Connection: close`, every other route) is passed on untouched.
///
/// Responses on one connection must leave in request order, so while a passed-on request is still
/// being answered by Hummingbird, later requests on that connection are passed on too.
final class TrackingFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let tracking: TrackingHandler
    private let date: HTTPDate
    private let logger: Logger
    private let hsts: Bool
    /// Hosts that serve the API at their root: their requests are never tracking requests.
    private let apiHosts: APIHosts
    /// Requests passed on whose response has not yet gone out.
    private var passedOnInFlight = 0
    /// Set between a fast request's head and its end: its parts are ours, and this is its answer.
    private var pending: Pending?

    private struct Pending {
        let answer: TrackingAnswer
        let method: HTTPRequest.Method
        let version: HTTPVersion
        let path: Substring
        let start: ContinuousClock.Instant
    }

    init(tracking: TrackingHandler, date: HTTPDate, logger: Logger, hsts: Bool = false, apiHosts: APIHosts = .none) {
        self.tracking = tracking
        self.apiHosts = apiHosts
        self.date = date
        self.logger = logger
        self.hsts = hsts
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if passedOnInFlight == 0, let pending = answer(head, peer: context.channel.remoteAddress) {
                self.pending = pending
                return
            }
            passedOnInFlight += 1
            context.fireChannelRead(data)
        case .body:
            if pending == nil { context.fireChannelRead(data) }
        case .end:
            guard let pending else {
                context.fireChannelRead(data)
                return
            }
            self.pending = nil
            var headers = pending.answer.headers
            headers.add(name: "Date", value: date.header(now: tracking.clock.now()))
            if hsts { headers.add(name: "Strict-Transport-Security", value: TallyResponder.hstsValue) }
            let head = HTTPResponseHead(version: pending.version, status: pending.answer.status, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if let body = pending.answer.body, pending.method != .head {
                context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            log(pending, status: Int(pending.answer.status.code))
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOnInFlight = max(0, passedOnInFlight - 1) }
        context.write(data, promise: promise)
    }

    /// The fast answer to `head`, or `nil` when it is not ours to give.
    private func answer(_ head: HTTPRequestHead, peer: SocketAddress?) -> Pending? {
        // Taken before the answer is decided, so the log line's duration and the latency histogram cover deciding it.
        let start = ContinuousClock.now
        let method: HTTPRequest.Method
        switch head.method {
        case .GET: method = .get
        case .HEAD: method = .head
        default: return nil
        }
        // Closing the connection after the answer (HTTP/1.0, `Connection: close`) is Hummingbird's business.
        guard head.isKeepAlive else { return nil }
        if !apiHosts.isEmpty, apiHosts.contains(authority: Substring(head.headers.first(name: "Host") ?? "")) { return nil }
        let uri = head.uri
        let path: Substring
        let query: String?
        if let question = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = uri[..<question]
            query = String(uri[uri.index(after: question)...])
        } else {
            path = Substring(uri)
            query = nil
        }
        guard let target = TrackingTarget(method: method, path: path) else { return nil }
        let request = TrackingRequest(method: method, target: target, query: query, headers: TrackingHeaders(head.headers), peer: peer)
        guard let answer = tracking.respondImmediately(to: request) else { return nil }
        return Pending(answer: answer, method: method, version: head.version, path: path, start: start)
    }

    private func log(_ pending: Pending, status: Int) {
        tracking.metrics.recordDuration(.tracking, since: pending.start)
        guard logger.logLevel <= .info else { return }
        TallyResponder.logRequest(
            method: pending.method, path: String(pending.path), status: status, start: pending.start, requestID: RequestIDText.next(),
            logger: logger)
    }
}
