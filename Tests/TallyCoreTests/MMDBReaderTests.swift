import Foundation
import TallyCore
import Testing

/// The MaxMind DB reader against the `maxminddb` Python package (MaxMind's own reader) on a real database
/// (`maxminddb-geolite2`'s GeoLite2-City, 28-bit records, IPv6 tree): the same record for every address.
@Suite struct MMDBReaderTests {
    /// Prints `{"database": path, "results": [[address, record or null], …]}` for 10,000 seeded random addresses:
    /// 7,000 IPv4 and 3,000 IPv6 in 2000::/4, where most allocated space is.
    static let script = """
        import ipaddress, json, random, sys
        import maxminddb, _maxminddb_geolite2 as package, os
        path = os.path.join(os.path.dirname(package.__file__), "GeoLite2-City.mmdb")
        reader = maxminddb.open_database(path, maxminddb.MODE_FILE)
        rng = random.Random(20261129)
        addresses = [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(7000)]
        addresses += [str(ipaddress.IPv6Address((0x2 << 124) | rng.getrandbits(124))) for _ in range(3000)]
        # Floats travel as exact text: Foundation's JSON parser on Linux rounds some doubles.
        def exact(v):
            if isinstance(v, float): return "f:" + repr(v)
            if isinstance(v, dict): return {k: exact(x) for k, x in v.items()}
            if isinstance(v, list): return [exact(x) for x in v]
            return v
        json.dump({"database": path, "results": [[a, exact(reader.get(a))] for a in addresses]}, sys.stdout)
        """

    @Test(.enabled(if: ReferenceCorpora.available))
    func everyRecordMatchesMaxMindsOwnReader() throws {
        let output = try ReferenceCorpora.runPython(Self.script)
        let reference = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])
        let path = try #require(reference["database"] as? String)
        let results = try #require(reference["results"] as? [[Any]])
        let reader = try MMDBReader(path: path)
        #expect(reader.metadata.recordSize == 28 && reader.metadata.ipVersion == 6)
        #expect(reader.metadata.databaseType == "GeoLite2-City")
        var same = 0
        var found = 0
        for row in results {
            let address = try #require(row[0] as? String)
            let ours = try reader.lookup(address)
            if ours != nil { found += 1 }
            if Self.same(ours, row[1]) {
                same += 1
            } else {
                Issue.record("\(address): ours \(String(describing: ours)) ≠ maxminddb \(row[1])")
            }
        }
        let share = Double(same) / Double(results.count) * 100
        print(
            "MMDB reader agreement with maxminddb \(results.count) addresses: \(same) same (\(String(format: "%.2f", share)) %), \(found) with a record"
        )
        #expect(results.count == 10_000)
        #expect(same == results.count)
        #expect(found > 5_000)
    }

    @Test func aTruncatedOrForeignFileIsAnErrorNotACrash() throws {
        #expect(throws: MMDBError.self) { try MMDBReader(bytes: []) }
        #expect(throws: MMDBError.self) { try MMDBReader(bytes: Array(repeating: 0xAB, count: 4096)) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let noise = (0..<2048).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: MMDBError.self) { try MMDBReader(bytes: noise) }
        }
    }

    @Test(.enabled(if: ReferenceCorpora.available))
    func aCorruptedDatabaseNeverCrashes() throws {
        let output = try ReferenceCorpora.runPython(
            "import os, _maxminddb_geolite2 as p; print(os.path.join(os.path.dirname(p.__file__), 'GeoLite2-City.mmdb'), end='')")
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: String(decoding: output, as: UTF8.self))))
        // Scribble over the data section (after the tree) and look up many addresses: errors are fine, traps are not.
        var generator = SystemRandomNumberGenerator()
        let tree = 3_606_567 * 7
        for _ in 0..<20_000 {
            bytes[Int.random(in: tree..<(bytes.count - 200_000), using: &generator)] = UInt8.random(in: 0...255, using: &generator)
        }
        let reader = try MMDBReader(bytes: bytes)
        var errors = 0
        for _ in 0..<20_000 {
            do { _ = try reader.lookup(.v4(UInt32.random(in: 0...UInt32.max, using: &generator))) } catch { errors += 1 }
        }
        print("corrupted database: \(errors) of 20000 lookups reported an error, none crashed")
    }

    /// Our value against what Python's json made of maxminddb's value.
    static func same(_ ours: MMDBValue?, _ theirs: Any) -> Bool {
        guard let ours else { return theirs is NSNull }
        switch ours {
        case .string(let text): return (theirs as? String) == text
        case .double(let value): return exactDouble(theirs) == value
        case .float(let value): return exactDouble(theirs) == Double(value)
        case .unsigned(let value): return (theirs as? NSNumber).map { !isBool($0) && $0.uint64Value == value } ?? false
        case .int32(let value): return (theirs as? NSNumber).map { !isBool($0) && $0.int64Value == Int64(value) } ?? false
        case .bool(let value): return (theirs as? NSNumber).map { isBool($0) && $0.boolValue == value } ?? false
        case .unsigned128, .bytes: return false  // not in GeoLite2-City
        case .map(let map):
            guard let dictionary = theirs as? [String: Any], dictionary.count == map.count else { return false }
            return map.allSatisfy { key, value in dictionary[key].map { same(value, $0) } ?? false }
        case .array(let items):
            guard let array = theirs as? [Any], array.count == items.count else { return false }
            return zip(items, array).allSatisfy { same($0, $1) }
        }
    }

    static func exactDouble(_ value: Any) -> Double? {
        guard let text = value as? String, text.hasPrefix("f:") else { return nil }
        return Double(text.dropFirst(2))
    }

    /// JSON `true`/`false` arrive as boolean NSNumbers (Objective-C type `c`), told apart from 1 and 0.
    static func isBool(_ number: NSNumber) -> Bool { number.objCType.pointee == CChar(UInt8(ascii: "c")) }
}
