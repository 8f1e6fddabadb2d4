import Foundation

/// A JSON object as ClickMeter clients send it: member names in any letter case, numbers as
/// strings, booleans as `"true"` or `1`, enums by name or number. Every getter names the member in its error,
/// so a bad input gets a 400 whose `property` says which. It has no I/O so that it can be fuzzed on its own
/// (Fuzz/FuzzWireObject.swift); the HTTP layer reads a request body into it.
public struct WireObject {
    private let members: [String: Any]

    public init(_ dictionary: [String: Any]) {
        var members: [String: Any] = [:]
        for (key, value) in dictionary { members[key.lowercased()] = value }
        self.members = members
    }

    /// A request body, which must be one JSON object.
    public init(json: Data) throws(ValidationError) {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw ValidationError(field: "", code: "body_invalid", message: "the body must be a JSON object")
        }
        self.init(object)
    }

    public func has(_ name: String) -> Bool {
        guard let value = members[name.lowercased()] else { return false }
        return !(value is NSNull)
    }

    private func value(_ name: String) -> Any? {
        guard let value = members[name.lowercased()], !(value is NSNull) else { return nil }
        return value
    }

    public func string(_ name: String) throws(ValidationError) -> String? {
        guard let value = value(name) else { return nil }
        if let text = value as? String { return text }
        if let number = value as? NSNumber, !Self.isBool(number) { return number.stringValue }
        throw Self.wrongType(name, "a string")
    }

    public func int64(_ name: String) throws(ValidationError) -> Int64? {
        guard let value = value(name) else { return nil }
        if let number = value as? NSNumber, !Self.isBool(number) {
            let double = number.doubleValue
            guard double == double.rounded(), let exact = Int64(exactly: double) else { throw Self.wrongType(name, "an integer") }
            return exact
        }
        if let text = value as? String, let number = Int64(text.trimmingCharacters(in: .whitespaces)) { return number }
        throw Self.wrongType(name, "an integer")
    }

    public func double(_ name: String) throws(ValidationError) -> Double? {
        guard let value = value(name) else { return nil }
        if let number = value as? NSNumber, !Self.isBool(number), number.doubleValue.isFinite { return number.doubleValue }
        if let text = value as? String, let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite { return number }
        throw Self.wrongType(name, "a number")
    }

    public func int(_ name: String) throws(ValidationError) -> Int? {
        guard let value = try int64(name) else { return nil }
        // Int32(exactly:) and not abs(): abs(Int64.min) traps, and a request carrying -9223372036854775808 stopped
        // the server (found by Fuzz/FuzzWireObject.swift).
        guard let small = Int32(exactly: value), small != Int32.min else { throw Self.wrongType(name, "a 32-bit integer") }
        return Int(small)
    }

    public func bool(_ name: String) throws(ValidationError) -> Bool? {
        guard let value = value(name) else { return nil }
        if let number = value as? NSNumber {
            if Self.isBool(number) { return number.boolValue }
            if number == 0 || number == 1 { return number == 1 }
        }
        if let text = value as? String {
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: break
            }
        }
        throw Self.wrongType(name, "true or false")
    }

    public func object(_ name: String) throws(ValidationError) -> WireObject? {
        guard let value = value(name) else { return nil }
        guard let dictionary = value as? [String: Any] else { throw Self.wrongType(name, "an object") }
        return WireObject(dictionary)
    }

    /// An object member's own names and scalar values as text (free parameters keep their case).
    public func textPairs(_ name: String) throws(ValidationError) -> [(String, String)]? {
        guard let raw = value(name) else { return nil }
        guard let object = raw as? [String: Any] else { throw Self.wrongType(name, "an object") }
        var pairs: [(String, String)] = []
        for (key, member) in object {
            switch member {
            case let text as String: pairs.append((key, text))
            case let number as NSNumber: pairs.append((key, Self.isBool(number) ? (number.boolValue ? "true" : "false") : number.stringValue))
            default: throw Self.wrongType("\(name).\(key)", "a string or a number")
            }
        }
        return pairs.sorted { $0.0 < $1.0 }
    }

    public func rawArray(_ name: String) -> [Any]? {
        value(name) as? [Any]
    }

    public func objects(_ name: String) throws(ValidationError) -> [WireObject]? {
        guard let value = value(name) else { return nil }
        guard let array = value as? [Any] else { throw Self.wrongType(name, "an array") }
        var objects: [WireObject] = []
        for element in array {
            guard let dictionary = element as? [String: Any] else { throw Self.wrongType(name, "an array of objects") }
            objects.append(WireObject(dictionary))
        }
        return objects
    }

    /// An enum given by one of its names (any case) or its number.
    public func enumeration<Value>(_ name: String, names: [String: Value], numbers: [Int: Value]) throws(ValidationError) -> Value? {
        guard let value = value(name) else { return nil }
        if let number = value as? NSNumber, !Self.isBool(number), let found = numbers[number.intValue] { return found }
        if let text = value as? String {
            if let found = names[text.lowercased()] { return found }
            if let number = Int(text), let found = numbers[number] { return found }
        }
        let allowed = (names.keys.sorted() + numbers.keys.sorted().map(String.init)).joined(separator: ", ")
        throw ValidationError(field: Self.property(name), code: "enum_invalid", message: "\(Self.property(name)) must be one of \(allowed)")
    }

    /// JSON `true`/`false` arrive as boolean NSNumbers (Objective-C type `c`), told apart from the numbers 1 and 0.
    public static func isBool(_ number: NSNumber) -> Bool {
        number.objCType.pointee == CChar(UInt8(ascii: "c"))
    }

    /// ClickMeter names properties in PascalCase in its errors (`Name`, `TypeTL.Url`).
    public static func property(_ name: String) -> String {
        name.split(separator: ".").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: ".")
    }

    public static func wrongType(_ name: String, _ expected: String) -> ValidationError {
        ValidationError(field: property(name), code: "type_invalid", message: "\(property(name)) must be \(expected)")
    }
}
