import Foundation

/// Milliseconds since 1970, UTC; injected so tests can fix time.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Int64

    public init(_ read: @escaping @Sendable () -> Int64) {
        self.read = read
    }

    public static let system = WallClock { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    public static func fixed(_ value: Int64) -> WallClock { WallClock { value } }

    public func now() -> Int64 { read() }
}
