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

    public var arrayValue: [MMDBValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

public struct MMDBError: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
