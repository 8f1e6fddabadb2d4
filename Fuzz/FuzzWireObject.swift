import Foundation

// libFuzzer target: the ClickMeter lenient JSON reader (Sources/TallyCore/WireObject.swift) and its parser
// (JSONValue.swift) that read every API request body. Nothing crashes on any bytes (deep nesting included); what the
// parser accepts, Foundation's JSONSerialization accepts as the same tree; every getter on every member either answers
// or throws a ValidationError naming that member; the answers keep their promises (an `int` fits 32 bits, a
// `double` is finite, text pairs come sorted).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireObject(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let parsed = JSONValue(parsing: bytes) else { return 0 }
    let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: .fragmentsAllowed)
    // Foundation refuses a number beyond (or at the edge of) Double's range; the parser keeps its literal, which every
    // getter refuses when it is not finite.
    precondition(foundation.map { same(parsed, $0) } ?? hasHugeNumber(parsed), "the parser and Foundation disagree")
    guard let object = try? WireObject(json: bytes) else { return 0 }
    var names = ["name", "id", "typeTL", "tags", "missing"]
    if case .object(let members) = parsed { names += members.keys.prefix(8) }
    check(object, names: names, depth: 0)
    return 0
}

private func hasHugeNumber(_ value: JSONValue) -> Bool {
    switch value {
    case .number(let literal): return Double(literal).map { !$0.isFinite || abs($0) > 1e300 } ?? true
    case .array(let elements): return elements.contains(where: hasHugeNumber)
    case .object(let members): return members.values.contains(where: hasHugeNumber)
    default: return false
    }
}

/// The same tree, numbers compared as numbers (the parser keeps `1.50` as written), to a few ulps.
private func same(_ ours: JSONValue, _ theirs: Any) -> Bool {
    switch (ours, theirs) {
    case (.null, is NSNull): return true
    case (.bool(let flag), let number as NSNumber): return WireObject.isBool(number) && number.boolValue == flag
    case (.number(let literal), let number as NSNumber):
        // Foundation's reading of a long fraction can be some ulps off (1.797693134862315780e3 by one, 1.4e-51 written
        // with 70 digits by seven); strtod's is exact.
        guard !WireObject.isBool(number), let ours = Double(literal) else { return false }
        let theirs = number.doubleValue
        // Near the ends of Double's range (subnormals, the largest values) the two may round apart entirely.
        if abs(ours) < 1e-300 && abs(theirs) < 1e-300 { return true }
        return ours == theirs || abs(ours - theirs) <= abs(ours) * 1e-12
    case (.string(let text), let other as String): return foundationText(text) == other
    case (.array(let elements), let others as [Any]): return elements.count == others.count && zip(elements, others).allSatisfy { same($0, $1) }
    case (.object(let members), let others as [String: Any]):
        return members.count == others.count && members.allSatisfy { key, value in others[foundationText(key)].map { same(value, $0) } ?? false }
    default: return false
    }
}

/// Foundation drops a byte order mark (U+FEFF) at the start of a string it reads; the parser keeps the text as sent.
private func foundationText(_ text: String) -> String {
    text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text
}

private func check(_ object: WireObject, names: [String], depth: Int) {
    for name in names {
        func named(_ error: ValidationError) {
            precondition(
                error.field.lowercased().hasSuffix(name.lowercased().split(separator: ".").last.map(String.init) ?? ""), "error names another member")
        }
        do { _ = try object.string(name) } catch { named(error) }
        do { _ = try object.int64(name) } catch { named(error) }
        do {
            if let value = try object.int(name) { precondition(Int32(exactly: value) != nil && value != Int(Int32.min), "int outside 32 bits") }
        } catch { named(error) }
        do {
            if let value = try object.double(name) { precondition(value.isFinite, "double not finite") }
        } catch { named(error) }
        do { _ = try object.bool(name) } catch { named(error) }
        do {
            if let pairs = try object.textPairs(name) {
                precondition(zip(pairs, pairs.dropFirst()).allSatisfy { $0.0 <= $1.0 }, "text pairs not sorted")
            }
        } catch {}
        do { _ = try object.enumeration(name, names: ["a": 1, "b": 2], numbers: [0: 1, 1: 2]) } catch { named(error) }
        _ = object.has(name)
        _ = object.rawArray(name)
        if depth < 3 {
            if let inner = try? object.object(name) { check(inner, names: names, depth: depth + 1) }
            if let inner = try? object.objects(name) { for element in inner.prefix(4) { check(element, names: names, depth: depth + 1) } }
        }
    }
}
