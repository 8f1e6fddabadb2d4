import HTTPTypes
import Hummingbird
import Logging
import TallyCore

/// The application's responder: a one-segment GET/HEAD that is not a reserved word goes straight to the
/// tracking handler (no router, no middleware chain); everything else goes through the router.
/// Both paths log one line per request and turn errors into JSON.
public struct TallyResponder: HTTPResponder {
    public typealias Context = TallyRequestContext
    let router: RouterResponder<TallyRequestContext>
    let tracking: TrackingHandler
    /// Under built-in TLS every answer tells browsers to keep using HTTPS.
    let hsts: Bool
    /// Hosts that serve the API at their root (`--api-host`); no tracking there.
    let apiHosts: APIHosts

    public func respond(to request: Request, context: TallyRequestContext) async throws -> Response {
        let start = ContinuousClock.now
        var request = request
        let onAPIHost = apiHosts.contains(authority: Substring(request.head.authority ?? ""))
        if onAPIHost {
            var head = request.head
            head.path = APIHosts.routedPath(head.path ?? "/")
            request = Request(head: head, body: request.body)
        }
        var response: Response
        var isTracking = false
        do {
            if request.method == .options, Self.isAPI(request.uri.path) {
                response = Self.preflight
            } else if !onAPIHost, let target = TrackingTarget(method: request.method, path: Substring(request.uri.path)) {
                var headers = TrackingHeaders(request.headers)
                // HTTP/1's `Host` arrives here as the request's authority, not among its fields.
                headers.host = request.head.authority ?? headers.host
                isTracking = true
                response = try await tracking.respond(
                    to: TrackingRequest(
                        method: request.method, target: target, query: request.uri.query, headers: headers, peer: context.remoteAddress))
            } else {
                response = Self.withJSONErrorBody(try await router.respond(to: request, context: context))
            }
        } catch {
            response = Self.errorResponse(for: error, logger: context.logger)
        }
        if hsts { response.headers[.strictTransportSecurity] = TallyResponder.hstsValue }
        if Self.isAPI(request.uri.path) {
            // Browsers may call the API from any page: the key, not a cookie, is the credential, so `*` is safe.
            response.headers[.accessControlAllowOrigin] = "*"
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        }
        let kind: TallyMetrics.RequestKind = isTracking ? .tracking : Self.isAPI(request.uri.path) ? .api : .other
        tracking.metrics.recordDuration(kind, since: start)
        log(request, response, start: start, logger: context.logger)
        return response
    }

    static let hstsValue = "max-age=31536000"

    static func isAPI(_ path: String) -> Bool { path == "/v2" || path.hasPrefix("/v2/") }

    static let exposedHeaders = "X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset, Retry-After, X-ClickTally-Warning"

    /// The answer to a CORS pre-flight for any API path: which methods and (key) headers a browser may send.
    static let preflight = Response(
        status: .noContent,
        headers: [
            .accessControlAllowMethods: "GET, POST, PUT, PATCH, DELETE, OPTIONS",
            .accessControlAllowHeaders: "X-ClickMeter-API-Key, X-Clickmeter-AuthKey, Authorization, Content-Type, Accept",
            .accessControlMaxAge: "86400",
        ])

    /// The JSON answer for an error thrown by a route: its own status for the errors we expect, 503 otherwise
    /// (logged; the body says nothing of the cause).
    static func errorResponse(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as ValidationError:
            return ErrorBody.response(for: error)
        case let error as APIError:
            return error.response
        case let error as HTTPError:
            return ErrorBody.response(error.status, code: "http_\(error.status.code)", message: error.body ?? error.status.reasonPhrase)
        default:
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return ErrorBody.response(.serviceUnavailable, code: "unavailable", message: "the server could not complete the request")
        }
    }

    /// The router answers unknown paths and methods with a bare status; clients get the JSON error shape instead.
    static func withJSONErrorBody(_ response: Response) -> Response {
        guard response.status.code >= 400, response.headers[.contentType] == nil else { return response }
        var wrapped = ErrorBody.response(response.status, code: "http_\(response.status.code)", message: response.status.reasonPhrase)
        for field in response.headers where field.name != .contentLength {
            wrapped.headers[field.name] = field.value
        }
        return wrapped
    }

    private func log(_ request: Request, _ response: Response, start: ContinuousClock.Instant, logger: Logger) {
        Self.logRequest(method: request.method, path: request.uri.path, status: response.status.code, start: start, logger: logger)
    }

    /// One line per request. The path only: query strings may carry keys and personal data.
    /// `requestID` is for callers whose logger does not carry one already (the fast path has no request context).
    static func logRequest(
        method: HTTPRequest.Method, path: String, status: Int, start: ContinuousClock.Instant, requestID: String? = nil, logger: Logger
    ) {
        guard logger.logLevel <= .info else { return }
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        var metadata: Logger.Metadata = [
            "method": .string(method.rawValue), "path": .string(path), "status": .string(String(status)), "durationUs": .string(String(micros)),
        ]
        if let requestID { metadata["hb.request.id"] = .string(requestID) }
        logger.info("request", metadata: metadata, source: "TallyHTTP")
    }
}
