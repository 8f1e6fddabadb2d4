/// The data section decoder: a control byte (type in the top 3 bits, size in the low 5, with extensions), then the
/// payload. Pointers are relative to `base` (the data section, or the metadata start for the metadata map).
extension MMDBReader {
    struct Decoder {
        let bytes: [UInt8]
        let base: Int
        /// Guards against a corrupt file whose pointers or containers nest without end.
        private var depth = 0

        init(bytes: [UInt8], base: Int) {
            self.bytes = bytes
            self.base = base
        }

        mutating func value(at offset: Int) throws -> (value: MMDBValue, next: Int) {
            depth += 1
            defer { depth -= 1 }
            guard depth < 64 else { throw MMDBError("data nested too deep") }
            var position = offset
            let control = try byte(&position)
            var type = Int(control >> 5)
            if type == 1 { return (try pointed(control, &position), position) }
            if type == 0 { type = 7 + Int(try byte(&position)) }
            let size = try payloadSize(control, &position)
            // Every map pair or array item takes at least a byte: a larger count is a corrupt file, not an allocation.
            guard type != 7 && type != 11 || size <= bytes.count - position else { throw MMDBError("container larger than the file") }
            switch type {
            case 2:
                let end = try span(position, size)
                return (.string(String(decoding: bytes[position..<end], as: UTF8.self)), end)
            case 3:
                guard size == 8 else { throw MMDBError("double of size \(size)") }
                let end = try span(position, 8)
                return (.double(Double(bitPattern: unsignedValue(position, 8))), end)
            case 4:
                let end = try span(position, size)
                return (.bytes(Array(bytes[position..<end])), end)
            case 5, 6, 9:
                guard size <= [5: 2, 6: 4, 9: 8][type]! else { throw MMDBError("unsigned integer of size \(size)") }
                let end = try span(position, size)
                return (.unsigned(unsignedValue(position, size)), end)
            case 7:
                var map: [String: MMDBValue] = [:]
                map.reserveCapacity(size)
                for _ in 0..<size {
                    let (key, afterKey) = try value(at: position)
                    guard case .string(let name) = key else { throw MMDBError("map key is not a string") }
                    let (item, afterValue) = try value(at: afterKey)
                    map[name] = item
                    position = afterValue
                }
                return (.map(map), position)
            case 8:
                guard size <= 4 else { throw MMDBError("int32 of size \(size)") }
                let end = try span(position, size)
                return (.int32(Int32(bitPattern: UInt32(truncatingIfNeeded: unsignedValue(position, size)))), end)
            case 10:
                guard size <= 16 else { throw MMDBError("uint128 of size \(size)") }
                let end = try span(position, size)
                let highCount = max(0, size - 8)
                let high = unsignedValue(position, highCount)
                let low = unsignedValue(position + highCount, size - highCount)
                return (.unsigned128(high: high, low: low), end)
            case 11:
                var items: [MMDBValue] = []
                items.reserveCapacity(size)
                for _ in 0..<size {
                    let (item, after) = try value(at: position)
                    items.append(item)
                    position = after
                }
                return (.array(items), position)
            case 14:
                return (.bool(size != 0), position)
            case 15:
                guard size == 4 else { throw MMDBError("float of size \(size)") }
                let end = try span(position, 4)
                return (.float(Float(bitPattern: UInt32(unsignedValue(position, 4)))), end)
            default:
                throw MMDBError("unknown data type \(type)")
            }
        }

        /// A pointer's target value; the reader continues after the pointer itself, not after the target.
        private mutating func pointed(_ control: UInt8, _ position: inout Int) throws -> MMDBValue {
            let sizeBits = Int(control >> 3) & 0x3
            let low = Int(control & 0x7)
            let count = sizeBits + 1
            _ = try span(position, count)
            let raw = Int(unsignedValue(position, count))
            position += count
            let target: Int
            switch sizeBits {
            case 0: target = low << 8 | raw
            case 1: target = (low << 16 | raw) + 2048
            case 2: target = (low << 24 | raw) + 526_336
            default: target = raw
            }
            return try value(at: base + target).value
        }

        private func payloadSize(_ control: UInt8, _ position: inout Int) throws -> Int {
            let size = Int(control & 0x1F)
            switch size {
            case 29: return 29 + Int(try byte(&position))
            case 30:
                _ = try span(position, 2)
                defer { position += 2 }
                return 285 + Int(unsignedValue(position, 2))
            case 31:
                _ = try span(position, 3)
                defer { position += 3 }
                return 65_821 + Int(unsignedValue(position, 3))
            default: return size
            }
        }

        private func byte(_ position: inout Int) throws -> UInt8 {
            guard position < bytes.count else { throw MMDBError("data runs past the end of the file") }
            defer { position += 1 }
            return bytes[position]
        }

        /// The end of `count` bytes from `start`, checked against the file.
        private func span(_ start: Int, _ count: Int) throws -> Int {
            guard start >= 0, start + count <= bytes.count else { throw MMDBError("data runs past the end of the file") }
            return start + count
        }

        private func unsignedValue(_ start: Int, _ count: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in start..<start + count { value = value << 8 | UInt64(bytes[index]) }
            return value
        }
    }
}
