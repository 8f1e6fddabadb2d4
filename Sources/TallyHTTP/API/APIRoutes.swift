import HTTPTypes
import Hummingbird
import Synchronization
import TallyCore

/// What a `/v2` route needs: a scope, or nothing (a few deliberately public routes, such as the leak report).
public enum RouteRequirement: Sendable, Equatable {
    case scope(APIScope)
    case publicRoute
}

/// Every `/v2` route with its requirement, filled as routes are added. Routes can only be added through
/// `APIRoutes.on`, which checks the scope before the handler runs; a test compares this catalogue to the
/// router's own list of routes so that no route escapes it.
public final class APIRouteCatalogue: Sendable {
    private let entries = Mutex<[String: RouteRequirement]>([:])

    public var all: [String: RouteRequirement] { entries.withLock { $0 } }

    func add(method: HTTPRequest.Method, path: String, _ requirement: RouteRequirement) {
        entries.withLock { $0["\(method.rawValue) \(path)"] = requirement }
    }

    func requirement(method: HTTPRequest.Method, path: String) -> RouteRequirement? {
        entries.withLock { $0["\(method.rawValue) \(path)"] }
    }
}

/// Adds `/v2` routes, each with the scope it needs, checked centrally before the handler runs.
struct APIRoutes {
    let group: RouterGroup<TallyRequestContext>
    let catalogue: APIRouteCatalogue
    let prefix = "/v2"

    func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, scope: APIScope,
        use handler: @escaping @Sendable (Request, TallyRequestContext, APIAuth) async throws -> Output
    ) {
        catalogue.add(method: method, path: prefix + "/" + path, .scope(scope))
        group.on(RouterPath(path), method: method) { request, context in
            guard var auth = context.auth else { throw APIError.unauthenticated }
            try auth.require(scope)
            auth.writing = scope.access == .write
            if auth.writing, APIAuth.accountWide.contains(scope.resource) {
                try auth.requireWholeAccount("change what the whole account shares (\(scope.resource.rawValue))")
            }
            return try await handler(request, context, auth)
        }
    }

    func onPublic<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, use handler: @escaping @Sendable (Request, TallyRequestContext) async throws -> Output
    ) {
        catalogue.add(method: method, path: prefix + "/" + path, .publicRoute)
        group.on(RouterPath(path), method: method, use: handler)
    }
}

extension APIError {
    static let unauthenticated = APIError(status: .unauthorized, code: APIKeyRefusal.missing.rawValue, message: APIKeyRefusal.missing.message)
}
