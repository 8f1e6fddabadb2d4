import Foundation

/// A JSON object as ClickMeter clients send it: member names in any letter case, numbers as
/// strings, booleans as `"true"` or `1`, enums by name or number. Every getter names the member in its error,
/// so a bad input gets a 400 whose `property` says which. It has no I/O so that it can be fuzzed on its own
/// (Fuzz/FuzzWireObject.swift); the HTTP layer reads a request body into it.
public struct WireObject: Sendable {
    private let members: [String: JSONValue]

    /// Members from `JSONSerialization`'s objects (the importer's reading of ClickMeter's answers).
    public init(_ dictionary: [String: Any]) {
        self.init(members: dictionary.mapValues(JSONValue.init(foundation:)))
    }

    public init(members dictionary: [String: JSONValue]) {
        var members: [String: JSONValue] = [:]
        for (key, value) in dictionary { members[key.lowercased()] = value }
        self.members = members
    }

    /// A request body, which must be one JSON object.
    public init(json: some Collection<UInt8>) throws(ValidationError) {
        guard case .object(let members)? = JSONValue(parsing: json) else {
            throw ValidationError(field: "", code: "body_invalid", message: "the body must be a JSON object")
        }
        self.init(members: members)
    }

    public func has(_ name: String) -> Bool {
        value(name) != nil
    }

    private func value(_ name: String) -> JSONValue? {
        guard let value = members[name.lowercased()], value != .null else { return nil }
        return value
    }

    public func string(_ name: String) throws(ValidationError) -> String? {
        switch value(name) {
        case nil: return nil
        case .string(let text)?: return text
        case .number(let literal)?: return literal
        default: throw Self.wrongType(name, "a string")
        }
    }

    public func int64(_ name: String) throws(ValidationError) -> Int64? {
        switch value(name) {
        case nil: return nil
        case .number(let literal)?:
            guard let exact = Self.integer(literal) else { throw Self.wrongType(name, "an integer") }
            return exact
        case .string(let text)?:
            guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else { throw Self.wrongType(name, "an integer") }
            return number
        default: throw Self.wrongType(name, "an integer")
        }
    }

    /// A number literal that is a whole number in Int64's range (`12`, `12.0`, `1.2e1`), or nil.
    public static func integer(_ literal: String) -> Int64? {
        if let exact = Int64(literal) { return exact }
        guard let double = Double(literal), double == double.rounded() else { return nil }
        return Int64(exactly: double)
    }

    public func double(_ name: String) throws(ValidationError) -> Double? {
        switch value(name) {
        case nil: return nil
        case .number(let literal)?:
            guard let number = Double(literal), number.isFinite else { throw Self.wrongType(name, "a number") }
            return number
        case .string(let text)?:
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else { throw Self.wrongType(name, "a number") }
            return number
        default: throw Self.wrongType(name, "a number")
        }
    }

    public func int(_ name: String) throws(ValidationError) -> Int? {
        guard let value = try int64(name) else { return nil }
        // Int32(exactly:) and not abs(): abs(Int64.min) traps, and a request carrying -9223372036854775808 stopped
        // the server (found by Fuzz/FuzzWireObject.swift).
        guard let small = Int32(exactly: value), small != Int32.min else { throw Self.wrongType(name, "a 32-bit integer") }
        return Int(small)
    }

    public func bool(_ name: String) throws(ValidationError) -> Bool? {
        switch value(name) {
        case nil: return nil
        case .bool(let flag)?: return flag
        case .number(let literal)? where Double(literal) == 0 || Double(literal) == 1: return Double(literal) == 1
        case .string(let text)?:
            switch text.lowercased() {
            case "true", "1": return true
            case "false", "0": return false
            default: break
            }
        default: break
        }
        throw Self.wrongType(name, "true or false")
    }

    public func object(_ name: String) throws(ValidationError) -> WireObject? {
        switch value(name) {
        case nil: return nil
        case .object(let members)?: return WireObject(members: members)
        default: throw Self.wrongType(name, "an object")
        }
    }

    /// An object member's own names and scalar values as text (free parameters keep their case).
    public func textPairs(_ name: String) throws(ValidationError) -> [(String, String)]? {
        guard let raw = value(name) else { return nil }
        guard case .object(let object) = raw else { throw Self.wrongType(name, "an object") }
        var pairs: [(String, String)] = []
        for (key, member) in object {
            switch member {
            case .string(let text), .number(let text): pairs.append((key, text))
            case .bool(let flag): pairs.append((key, flag ? "true" : "false"))
            default: throw Self.wrongType("\(name).\(key)", "a string or a number")
            }
        }
        return pairs.sorted { $0.0 < $1.0 }
    }

    public func rawArray(_ name: String) -> [JSONValue]? {
        guard case .array(let elements)? = value(name) else { return nil }
        return elements
    }

    public func objects(_ name: String) throws(ValidationError) -> [WireObject]? {
        guard let value = value(name) else { return nil }
        guard case .array(let array) = value else { throw Self.wrongType(name, "an array") }
        var objects: [WireObject] = []
        objects.reserveCapacity(array.count)
        for element in array {
            guard case .object(let members) = element else { throw Self.wrongType(name, "an array of objects") }
            objects.append(WireObject(members: members))
        }
        return objects
    }

    /// An enum given by one of its names (any case) or its number.
    public func enumeration<Value>(_ name: String, names: [String: Value], numbers: [Int: Value]) throws(ValidationError) -> Value? {
        switch value(name) {
        case nil: return nil
        case .number(let literal)?:
            if let number = Self.integer(literal).flatMap({ Int(exactly: $0) }), let found = numbers[number] { return found }
        case .string(let text)?:
            if let found = names[text.lowercased()] { return found }
            if let number = Int(text), let found = numbers[number] { return found }
        default: break
        }
        let allowed = (names.keys.sorted() + numbers.keys.sorted().map(String.init)).joined(separator: ", ")
        throw ValidationError(field: Self.property(name), code: "enum_invalid", message: "\(Self.property(name)) must be one of \(allowed)")
    }

    /// `JSONSerialization`'s `true`/`false` are boolean NSNumbers (Objective-C type `c`), told apart from 1 and 0.
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
