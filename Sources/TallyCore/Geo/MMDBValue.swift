/// A value of a MaxMind DB data section (the format's own types, MaxMind DB spec §"Output Data Section").
public enum MMDBValue: Sendable, Equatable {
    case string(String)
    case double(Double)
    case float(Float)
    case bytes([UInt8])
    /// uint16, uint32 and uint64.
    case unsigned(UInt64)
    /// uint128 as its high and low halves.
    case unsigned128(high: UInt64, low: UInt64)
    case int32(Int32)
    case bool(Bool)
    case map([String: MMDBValue])
    case array([MMDBValue])

    public subscript(key: String) -> MMDBValue? {
        if case .map(let map) = self { return map[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var doubleValue: Double? {
        switch self {
        case .double(let value): value
        case .float(let value): Double(value)
        default: nil
        }
    }

    public var arrayValue: [MMDBValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The value as Foundation-free JSON-like Swift values (`String`, `Double`, `Int64`/`UInt64`, `Bool`, arrays,
    /// dictionaries), for comparison with other readers.
    public var plain: any Sendable {
        switch self {
        case .string(let text): text
        case .double(let value): value
        case .float(let value): Double(value)
        case .bytes(let bytes): bytes
        case .unsigned(let value): value
        case .unsigned128(let high, let low): high == 0 ? low as any Sendable : "\(high):\(low)"
        case .int32(let value): Int64(value)
        case .bool(let value): value
        case .map(let map): map.mapValues(\.plain)
        case .array(let items): items.map(\.plain)
        }
    }
}

public struct MMDBError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
