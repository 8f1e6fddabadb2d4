/// Error-correction layout for level M by version (index 0 unused), from ISO/IEC 18004 table 9.
enum QRTables {
    static let eccPerBlock = [
        -1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        28, 28, 28, 28, 28, 28, 28, 28,
    ]
    static let blocks = [
        -1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38,
        40, 43, 45, 47, 49,
    ]
}

/// Reed–Solomon error correction over GF(2^8) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for (i, coefficient) in divisor.enumerated() { result[i] ^= multiply(coefficient, factor) }
        }
        return result
    }
}

/// The standard's mask penalty: long runs, 2×2 blocks, finder-like patterns, dark/light imbalance.
enum QRPenalty {
    static func score(_ modules: [[Bool]]) -> Int {
        let size = modules.count
        var penalty = 0
        let columns = (0..<size).map { x in (0..<size).map { modules[$0][x] } }
        for line in modules + columns {
            var run = 1
            for i in 1..<size {
                if line[i] == line[i - 1] {
                    run += 1
                } else {
                    if run >= 5 { penalty += run - 2 }
                    run = 1
                }
            }
            if run >= 5 { penalty += run - 2 }
            penalty += finderLike(line) * 40
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1)
            where modules[y][x] == modules[y][x + 1] && modules[y][x] == modules[y + 1][x] && modules[y][x] == modules[y + 1][x + 1] {
                penalty += 3
            }
        }
        let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
        let total = size * size
        // The smallest k ≥ 0 with (45 − 5k) % ≤ dark share ≤ (55 + 5k) % (the side is odd, so never exactly half).
        let k = (abs(dark * 20 - total * 10) + total - 1) / total - 1
        penalty += max(0, k) * 10
        return penalty
    }

    static let patterns: [[Bool]] = [
        [true, false, true, true, true, false, true, false, false, false, false],
        [false, false, false, false, true, false, true, true, true, false, true],
    ]

    static func finderLike(_ line: [Bool]) -> Int {
        guard line.count >= 11 else { return 0 }
        var count = 0
        for start in 0...(line.count - 11) {
            for pattern in patterns where (0..<11).allSatisfy({ line[start + $0] == pattern[$0] }) { count += 1 }
        }
        return count
    }
}
