import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import TallyCore

/// Why reading a source failed, in words an operator can act on. No message carries the key.
public enum ImportSourceError: Error, CustomStringConvertible, Equatable {
    case unreachable(url: String, reason: String)
    case unauthorized(url: String, status: Int)
    case forbidden(url: String, body: String)
    case failed(url: String, status: Int, body: String)
    case malformed(url: String, reason: String)
    case rateLimited(url: String, attempts: Int)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "cannot reach \(url): \(reason)"
        case .unauthorized(let url, let status): "the source refused the key (\(status)) at \(url); check --key"
        case .forbidden(let url, let body): "the key may not read \(url) (403): \(body); give the import a key that reads the whole account"
        case .failed(let url, let status, let body): "\(url) answered \(status): \(body)"
        case .malformed(let url, let reason): "\(url) did not answer JSON the importer understands: \(reason)"
        case .rateLimited(let url, let attempts): "\(url) kept answering 429 after \(attempts) attempts; run the import again later (it resumes)"
        }
    }
}

/// GETs JSON from a source's API with its key in a header, backing off when the source rate-limits (429 or 503,
/// honouring `Retry-After`) and retrying a dropped connection, so a long import survives a busy source.
public struct SourceClient: Sendable {
    let client: HTTPClient
    let baseURL: String
    let headers: HTTPHeaders
    let maximumAttempts: Int
    /// Waits between attempts; tests pass one that records the waits instead of sleeping.
    let sleep: @Sendable (Duration) async throws -> Void

    public init(
        client: HTTPClient, baseURL: String, headers: [(String, String)], maximumAttempts: Int = 8,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.headers = HTTPHeaders(headers + [("Accept", "application/json")])
        self.maximumAttempts = maximumAttempts
        self.sleep = sleep
    }

    /// The HTTP client importers use: a connection refused fails at once (this client's own loop retries twice, with
    /// a back-off) instead of AsyncHTTPClient retrying until the connect timeout; 10 s to connect, 2 min to answer.
    /// The caller shuts it down.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(10), read: .seconds(120)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The URL of `path` with `query`, each value percent-encoded.
    func url(_ path: String, _ query: [(String, String)]) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        let text = query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)" }.joined(separator: "&")
        return baseURL + path + (text.isEmpty ? "" : "?" + text)
    }

    public func json(_ path: String, _ query: [(String, String)] = []) async throws -> Any {
        let address = url(path, query)
        var attempt = 0
        while true {
            attempt += 1
            var request = HTTPClientRequest(url: address)
            request.headers = headers
            let response: HTTPClientResponse
            let body: ByteBuffer
            do {
                response = try await client.execute(request, timeout: .seconds(60))
                body = try await response.body.collect(upTo: 64 << 20)
            } catch {
                guard attempt < 3 else { throw ImportSourceError.unreachable(url: address, reason: "\(error)") }
                try await sleep(.seconds(attempt))
                continue
            }
            switch response.status.code {
            case 200..<300:
                do {
                    return try JSONSerialization.jsonObject(with: Data(buffer: body), options: [.fragmentsAllowed])
                } catch {
                    throw ImportSourceError.malformed(url: address, reason: "not JSON")
                }
            case 401:
                throw ImportSourceError.unauthorized(url: address, status: 401)
            case 403:
                throw ImportSourceError.forbidden(url: address, body: String(String(buffer: body).prefix(300)))
            case 429, 503:
                guard attempt < maximumAttempts else { throw ImportSourceError.rateLimited(url: address, attempts: attempt) }
                try await sleep(Self.wait(retryAfter: response.headers.first(name: "Retry-After"), attempt: attempt))
            default:
                throw ImportSourceError.failed(
                    url: address, status: Int(response.status.code), body: String(String(buffer: body).prefix(300)))
            }
        }
    }

    /// `Retry-After` seconds when the source says (at most 5 minutes), else 1, 2, 4 … 60 seconds.
    static func wait(retryAfter: String?, attempt: Int) -> Duration {
        if let retryAfter, let seconds = Int(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 { return .seconds(min(seconds, 300)) }
        return .seconds(min(1 << min(attempt - 1, 6), 60))
    }

    /// A JSON object's member, any letter case (ClickMeter's clients met both `entities` and `Entities`).
    public static func member(_ object: Any, _ name: String) -> Any? {
        guard let dictionary = object as? [String: Any] else { return nil }
        return dictionary[name] ?? dictionary.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}
