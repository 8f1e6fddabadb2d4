import Synchronization

/// Request ids for the fast path, in the shape of Hummingbird's `RequestID` (a random per-process prefix and a
/// counter, 32 hex digits), formatted without `String(_:radix:)` and padding: it runs on every logged redirect.
enum RequestIDText {
    private static let prefix = hex(UInt64.random(in: .min ... .max))
    private static let counter = Atomic<UInt64>(UInt64.random(in: .min ... .max))

    static func next() -> String {
        prefix + hex(counter.wrappingAdd(1, ordering: .relaxed).oldValue)
    }

    static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { digits in
                for index in 0..<16 {
                    buffer[index] = digits[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
                }
            }
            return 16
        }
    }
}
