import Foundation
import TallyCore

/// The server secret mixed into every key hash. Given in configuration (required when several nodes share a
/// PostgreSQL: they must agree), or generated on first start into `<data dir>/key-pepper`, readable only by us.
public enum KeyPepper {
    public static func load(configured: String?, dataDirectory: String) throws -> [UInt8] {
        if let configured, !configured.isEmpty {
            guard configured.utf8.count >= 32 else { throw PepperError.tooShort }
            return Array(configured.utf8)
        }
        let path = (dataDirectory as NSString).appendingPathComponent("key-pepper")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let bytes = Self.bytes(hex: hex), bytes.count >= 16 else { throw PepperError.unreadable(path: path) }
            return bytes
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let pepper = APIKeyHasher.generatePepper()
        let hex = pepper.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        // Created with 0600 from the start, so there is no moment in which others could read it.
        guard FileManager.default.createFile(atPath: path, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PepperError.unwritable(path: path)
        }
        return pepper
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    public enum PepperError: Error, CustomStringConvertible {
        case tooShort
        case unreadable(path: String)
        case unwritable(path: String)

        public var description: String {
            switch self {
            case .tooShort: "the key pepper must be at least 32 characters"
            case .unreadable(let path): "the key pepper file \(path) is not 64 hex digits; restore it or API keys will stop verifying"
            case .unwritable(let path): "cannot create the key pepper file \(path)"
            }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
