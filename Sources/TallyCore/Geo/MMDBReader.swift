import Foundation

/// Reads MaxMind DB files (GeoLite2, GeoIP2, DB-IP, IPinfo and other `.mmdb` databases), written from the
/// published format specification: a binary search tree over the address bits whose leaves point into a data
/// section of typed values, and a metadata map at the end of the file.
public final class MMDBReader: Sendable {
    public struct Metadata: Sendable, Equatable {
        public let nodeCount: Int
        public let recordSize: Int
        public let ipVersion: Int
        public let databaseType: String
        public let buildEpoch: UInt64
        public let languages: [String]
    }

    public let metadata: Metadata
    private let bytes: [UInt8]
    private let treeSize: Int
    private let dataStart: Int
    /// The node where IPv4 addresses start in an IPv6 tree (after 96 zero bits).
    private let ipv4Start: Int

    private static let metadataMarker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    public convenience init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw MMDBError("cannot read \(path)") }
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws {
        self.bytes = bytes
        guard let markerEnd = Self.lastMarkerEnd(in: bytes) else { throw MMDBError("no MaxMind DB metadata marker") }
        var decoder = Decoder(bytes: bytes, base: markerEnd)
        guard case .map(let map) = try decoder.value(at: markerEnd).value else { throw MMDBError("metadata is not a map") }
        func unsigned(_ key: String) throws -> UInt64 {
            guard case .unsigned(let value) = map[key] else { throw MMDBError("metadata lacks \(key)") }
            return value
        }
        let nodeCount = Int(try unsigned("node_count"))
        let recordSize = Int(try unsigned("record_size"))
        guard [24, 28, 32].contains(recordSize) else { throw MMDBError("unsupported record size \(recordSize)") }
        metadata = Metadata(
            nodeCount: nodeCount, recordSize: recordSize, ipVersion: Int(try unsigned("ip_version")),
            databaseType: map["database_type"]?.stringValue ?? "", buildEpoch: (try? unsigned("build_epoch")) ?? 0,
            languages: map["languages"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        treeSize = recordSize * 2 / 8 * nodeCount
        dataStart = treeSize + 16
        guard dataStart <= markerEnd else { throw MMDBError("search tree larger than the file") }
        var node = 0
        if metadata.ipVersion == 6 {
            for _ in 0..<96 where node < nodeCount { node = Self.record(bytes, node: node, bit: 0, recordSize: recordSize) }
        }
        ipv4Start = node
    }

    /// The record for `address`, or `nil` when the database has none.
    public func lookup(_ address: IPAddress) throws -> MMDBValue? {
        var node: Int
        let bitCount: Int
        let high: UInt64
        let low: UInt64
        switch address {
        case .v4(let value):
            node = metadata.ipVersion == 6 ? ipv4Start : 0
            bitCount = 32
            high = UInt64(value) << 32
            low = 0
        case .v6(let h, let l):
            guard metadata.ipVersion == 6 else { return nil }
            node = 0
            bitCount = 128
            high = h
            low = l
        }
        let nodeCount = metadata.nodeCount
        var index = 0
        while index < bitCount, node < nodeCount {
            let word = index < 64 ? high : low
            let bit = Int((word >> UInt64(63 - index % 64)) & 1)
            node = Self.record(bytes, node: node, bit: bit, recordSize: metadata.recordSize)
            index += 1
        }
        if node == nodeCount { return nil }
        guard node > nodeCount else { throw MMDBError("invalid search tree: ran out of address bits") }
        let offset = node - nodeCount - 16 + dataStart
        guard offset >= dataStart, offset < bytes.count else { throw MMDBError("record points outside the data section") }
        var decoder = Decoder(bytes: bytes, base: dataStart)
        return try decoder.value(at: offset).value
    }

    public func lookup(_ text: String) throws -> MMDBValue? {
        guard let address = IPAddress(text) else { throw MMDBError("not an IP address: \(text)") }
        return try lookup(address)
    }

    /// The left (`bit` 0) or right (1) record of `node`.
    static func record(_ bytes: [UInt8], node: Int, bit: Int, recordSize: Int) -> Int {
        switch recordSize {
        case 24:
            let start = node * 6 + bit * 3
            return Int(bytes[start]) << 16 | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2])
        case 28:
            let start = node * 7
            if bit == 0 {
                return (Int(bytes[start + 3]) & 0xF0) << 20 | Int(bytes[start]) << 16 | Int(bytes[start + 1]) << 8 | Int(bytes[start + 2])
            }
            return (Int(bytes[start + 3]) & 0x0F) << 24 | Int(bytes[start + 4]) << 16 | Int(bytes[start + 5]) << 8 | Int(bytes[start + 6])
        default:
            let start = node * 8 + bit * 4
            return Int(bytes[start]) << 24 | Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        }
    }

    static func lastMarkerEnd(in bytes: [UInt8]) -> Int? {
        let marker = metadataMarker
        // The metadata is at most 128 KiB from the end.
        let lowest = max(0, bytes.count - 128 * 1024 - marker.count)
        var start = bytes.count - marker.count
        while start >= lowest {
            if bytes[start] == marker[0], Array(bytes[start..<start + marker.count]) == marker { return start + marker.count }
            start -= 1
        }
        return nil
    }
}
