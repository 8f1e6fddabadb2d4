import Foundation

// libFuzzer target: the ClickMeter lenient JSON reader (Sources/TallyCore/WireObject.swift) that reads every API
// request body. Nothing crashes on any bytes (deep nesting included); every getter on every member either answers
// or throws a ValidationError naming that member; the answers keep their promises (an `int` fits 32 bits, a
// `double` is finite, text pairs come sorted).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireObject(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let object = try? WireObject(json: Data(bytes: data, count: size)) else { return 0 }
    var names = ["name", "id", "typeTL", "tags", "missing"]
    if let raw = try? JSONSerialization.jsonObject(with: Data(bytes: data, count: size)) as? [String: Any] {
        names += raw.keys.prefix(8)
    }
    check(object, names: names, depth: 0)
    return 0
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
