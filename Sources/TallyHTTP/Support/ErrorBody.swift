import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TallyCore

/// Every 4xx/5xx from the API side is JSON in ClickMeter's error shape, which its client libraries read:
/// `{"errorCode": 401, "errors": [{"property": "", "errorMessage": "...", "errorValue": null, "code": "key_unknown"}]}`.
/// `errorValue` stays null: echoing the rejected input could echo a secret.
/// `code` is machine-readable; messages never echo a key or other secret input.
enum ErrorBody {
    static func response(
        _ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers extra: HTTPFields = [:]
    ) -> Response {
        let body: [String: Any] = [
            "errorCode": status.code,
            "errors": [["property": field ?? "", "errorMessage": message, "errorValue": NSNull(), "code": code] as [String: Any]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func response(for error: ValidationError) -> Response {
        response(.badRequest, code: error.code, message: error.message, field: error.field)
    }
}

/// Thrown by API handlers for an answer that is not a success; `TallyResponder` turns it into `ErrorBody`.
struct APIError: Error {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    var headers: HTTPFields = [:]

    static let notFound = APIError(status: .notFound, code: "not_found", message: "no such object in this account")

    var response: Response { ErrorBody.response(status, code: code, message: message, headers: headers) }
}
