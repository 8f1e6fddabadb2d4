/// Rules for the short name of a datapoint (the path segment of its tracking code).
public enum DatapointName {
    public static let maxLength = 64

    /// First path segments the server itself answers; a datapoint can never be called one of these,
    /// whatever the letter case, or it would shadow a route.
    public static let reserved: Set<String> = [
        "v2", "api", "app", "static", "health", "metrics", "setup", "login", "logout", "conv", "openapi.json",
        "admin", "dashboard", "assets", "favicon.ico", "robots.txt", ".well-known", "auth", "signup", "register",
        "docs", "status", "track", "pixel", "p", "t",
    ]

    public static let longestReservedWord = reserved.map(\.utf8.count).max() ?? 0

    /// No 0/O/o, 1/l/I: generated names are read aloud and copied off paper.
    public static let generationAlphabet = Array("23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
    public static let generatedLength = 7

    // Concrete overloads: a generic entry point called from another module runs unspecialised (metadata
    // lookups on every byte), and this runs on every tracking request.
    public static func isReserved(_ name: String) -> Bool { isReserved(utf8: name.utf8) }
    public static func isReserved(_ name: Substring) -> Bool { isReserved(utf8: name.utf8) }

    /// Compared byte by byte, ASCII case folded, without allocating.
    @inline(__always)
    static func isReserved<Bytes: Collection<UInt8>>(utf8 name: Bytes) -> Bool {
        let length = name.count
        guard length <= longestReservedWord else { return false }
        for word in reservedBytes where word.count == length {
            var matches = true
            var index = name.startIndex
            for expected in word {
                let byte = name[index]
                let folded = byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
                if folded != expected {
                    matches = false
                    break
                }
                index = name.index(after: index)
            }
            if matches { return true }
        }
        return false
    }

    static let reservedBytes: [[UInt8]] = reserved.map { Array($0.utf8) }

    public static func validate(_ name: String) throws(ValidationError) {
        guard !name.isEmpty else {
            throw ValidationError(field: "name", code: "name_empty", message: "name must not be empty")
        }
        guard name.utf8.count <= maxLength else {
            throw ValidationError(field: "name", code: "name_too_long", message: "name must be at most \(maxLength) characters")
        }
        guard name.utf8.allSatisfy(isNameByte) else {
            throw ValidationError(
                field: "name", code: "name_invalid_characters",
                message: "name may contain only letters A-Z and a-z, digits, '_' and '-'"
            )
        }
        guard !isReserved(name) else {
            throw ValidationError(field: "name", code: "name_reserved", message: "name '\(name)' is reserved by the server")
        }
    }

    /// Whether `name` passes `validate` apart from the reserved words: non-empty, short enough, allowed bytes.
    public static func isWellFormed(_ name: String) -> Bool { isWellFormed(utf8: name.utf8) }
    public static func isWellFormed(_ name: Substring) -> Bool { isWellFormed(utf8: name.utf8) }

    @inline(__always)
    static func isWellFormed<Bytes: Collection<UInt8>>(utf8 bytes: Bytes) -> Bool {
        guard !bytes.isEmpty, bytes.count <= maxLength else { return false }
        for byte in bytes where !isNameByte(byte) { return false }
        return true
    }

    /// A fresh random name; the caller retries on the rare collision with an existing one.
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        while true {
            var name = ""
            for _ in 0..<generatedLength {
                name.append(generationAlphabet.randomElement(using: &generator)!)
            }
            if !isReserved(name) { return name }
        }
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
