import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TallyCore

/// Every 4xx/5xx from the API side is this JSON: `{"error": {"code": "...", "message": "..."}}`.
enum ErrorBody {
    static func response(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil) -> Response {
        var error: [String: String] = ["code": code, "message": message]
        if let field { error["field"] = field }
        let data = (try? JSONSerialization.data(withJSONObject: ["error": error], options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func response(for error: ValidationError) -> Response {
        response(.badRequest, code: error.code, message: error.message, field: error.field)
    }
}
