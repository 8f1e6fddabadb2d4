import Crypto

/// What a click leaves with the visitor (the attribution cookies) and, when the link asks, with the destination (a
/// query parameter): the link, the click's random id and when it happened, as `datapoint-click-time`.
public struct ClickToken: Sendable, Equatable {
    public let datapointID: Int64
    public let clickID: Int64
    /// Milliseconds since 1970.
    public let time: Int64

    public init(datapointID: Int64, clickID: Int64, time: Int64) {
        self.datapointID = datapointID
        self.clickID = clickID
        self.time = time
    }

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 19 && $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let datapointID = Int64(parts[0]), let clickID = Int64(parts[1]), let time = Int64(parts[2]), datapointID > 0, clickID > 0
        else { return nil }
        self.init(datapointID: datapointID, clickID: clickID, time: time)
    }

    public var text: String { "\(datapointID)-\(clickID)-\(time)" }

    /// A fresh click id: random and positive, so two nodes never need to agree on one.
    public static func newClickID() -> Int64 { Int64.random(in: 1...Int64.max) }

    /// The attribution cookies: the latest click always, the first only while none is held.
    public static let lastClickCookie = "ct_lc"
    public static let firstClickCookie = "ct_fc"
}

/// Which click a conversion is credited to (per conversion goal).
public enum Attribution: String, Sendable, CaseIterable, Codable {
    case lastClick = "last"
    case firstClick = "first"
}

/// The conversion pixel's money rules: `com` is the commission; `comperc` (a percentage of the
/// value) applies only when `com` is absent or 0.
public enum ConversionMoney {
    public static func commission(value: Double, com: Double?, comperc: Double?) -> Double {
        if let com, com != 0 { return com }
        if let comperc { return value * comperc / 100 }
        return 0
    }

    /// A money figure from the page: finite, not negative, at most a billion; `.` decimals (no `%`, no thousands separator).
    public static func parse(_ text: String?, field: String) throws(ValidationError) -> Double? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0, value <= 1_000_000_000,
            text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 })
        else {
            throw ValidationError(field: field, code: "amount_invalid", message: "\(field) must be a number of at least 0 with . for decimals")
        }
        return value
    }
}

/// Signs and checks click tokens (`clid`, the attribution cookies): `datapoint-click-time.signature`, the signature an
/// HMAC-SHA256 (first 16 bytes, hex) under a key derived from the server secret. Without it anyone could write a
/// token naming any link and credit conversions to it; with it only clicks this installation answered count.
/// Every node sharing a database derives the same key from the same pepper, so a click on one converts on another.
public struct ClickTokenSigner: Sendable {
    private let key: SymmetricKey

    public init(serverSecret: [UInt8]) {
        // A key of its own, so a click token's MAC can never be confused with an API key hash under the same pepper.
        let derived = HMAC<SHA256>.authenticationCode(for: Array("clicktally click token v1".utf8), using: SymmetricKey(data: serverSecret))
        self.key = SymmetricKey(data: Array(derived))
    }

    public func text(_ token: ClickToken) -> String {
        token.text + "." + signature(token.text)
    }

    /// The token if its signature is this installation's (compared in constant time); `nil` for anything else,
    /// unsigned tokens of earlier versions included.
    public func parse(_ text: some StringProtocol) -> ClickToken? {
        guard text.utf8.count <= 100, let dot = text.lastIndex(of: ".") else { return nil }
        let body = String(text[..<dot])
        let given = String(text[text.index(after: dot)...])
        guard let token = ClickToken(body), ConstantTime.equal(given, signature(body)) else { return nil }
        return token
    }

    private func signature(_ body: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: key)
        return mac.prefix(16).map { byte in String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16) }.joined()
    }
}
