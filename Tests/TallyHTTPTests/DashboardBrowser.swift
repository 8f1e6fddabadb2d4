import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TallyCore

/// A cookie jar over Hummingbird's test client: what a browser keeps between dashboard requests. Like a browser, it
/// sends a cookie only to paths under the cookie's `Path` (tracking pages must never receive the dashboard's).
final class DashboardBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var paths: [String: String] = [:]
    /// The cookies the last request carried.
    private(set) var sent: [String] = []

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    @discardableResult
    func get(_ uri: String) async throws -> TestResponse {
        try await send(uri, method: .get, body: nil)
    }

    @discardableResult
    func post(_ uri: String, _ form: [(String, String)]) async throws -> TestResponse {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(uri, method: .post, body: body)
    }

    func send(_ uri: String, method: HTTPRequest.Method, body: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        let path = String(uri.prefix { $0 != "?" })
        let matching = cookies.filter { name, _ in
            let scope = paths[name] ?? "/"
            return scope == "/" || path == scope || path.hasPrefix(scope + "/")
        }
        sent = matching.keys.sorted()
        if !matching.isEmpty { headers[.cookie] = matching.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || field.value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            paths[name] =
                field.value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("Path=") }.map { String($0.dropFirst(5)) } ?? "/"
        }
        return response
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The value of the first `<input name="name" … value="…">` (or `id=`) on the page.
    static func field(_ response: TestResponse, _ name: String) -> String? {
        let html = text(response)
        for marker in ["name=\"\(name)\" value=\"", "id=\"\(name)\" class=\"secret\" type=\"text\" readonly value=\""] {
            if let start = html.range(of: marker) {
                let rest = html[start.upperBound...]
                return String(rest.prefix { $0 != "\"" })
            }
        }
        return nil
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
