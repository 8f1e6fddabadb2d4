import HTTPTypes
import TallyCore

/// The datapoint a tracking request names (`/abc`, or `/abc.gif` for a pixel), parsed once per request
/// for both the fast path and the routed path.
struct TrackingTarget: Equatable {
    let name: Substring
    let askedForGIF: Bool

    /// `nil` when the request is not for the tracker: another method, another shape of path, or a reserved word.
    init?(method: HTTPRequest.Method, path: Substring) {
        guard method == .get || method == .head else { return nil }
        guard path.utf8.count > 1, path.utf8.first == UInt8(ascii: "/") else { return nil }
        let segment = path.dropFirst()
        guard !segment.utf8.contains(UInt8(ascii: "/")), !DatapointName.isReserved(segment) else { return nil }
        if segment.utf8.count > 4, segment.hasSuffix(".gif") {
            name = segment.dropLast(4)
            askedForGIF = true
            guard !DatapointName.isReserved(name) else { return nil }
        } else {
            name = segment
            askedForGIF = false
        }
    }

    /// Whether any datapoint could have this name; others are answered 404 without looking anything up,
    /// so scanners' garbage paths never reach the database.
    var couldExist: Bool { DatapointName.isWellFormed(name) }
}
