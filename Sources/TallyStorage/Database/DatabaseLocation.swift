import Foundation
import TallyCore

/// Where the data lives, as named by `--database-url` (or its absence).
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public static let defaultSQLiteFile = "clicktally.sqlite"

    /// - Parameters:
    ///   - url: `postgres://user:password@host:5432/db?sslmode=disable`, `sqlite:///absolute/path.sqlite`,
    ///     `sqlite:relative/path.sqlite`, or `nil` for the embedded default under `dataDirectory`.
    public static func parse(url: String?, dataDirectory: String) throws(ValidationError) -> DatabaseLocation {
        guard let url, !url.isEmpty else {
            return .sqlite(path: (dataDirectory as NSString).appendingPathComponent(defaultSQLiteFile))
        }
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw invalid("sqlite URL needs a file path, e.g. sqlite:data/clicktally.sqlite") }
            return .sqlite(path: path)
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw invalid("database URL must start with postgres://, postgresql:// or sqlite:")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("database URL needs a host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        guard let tls = PostgresLocation.TLSMode(rawValue: sslMode) else {
            throw invalid("sslmode must be disable, prefer or require")
        }
        return .postgres(
            PostgresLocation(
                host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
                password: components.password, database: database.isEmpty ? nil : database, tls: tls))
    }

    /// Only the engine and place, never a password: safe to print.
    public var redactedDescription: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): "postgres://\(location.username)@\(location.host):\(location.port)/\(location.database ?? "")"
        }
    }

    private static func invalid(_ message: String) -> ValidationError {
        ValidationError(field: "database-url", code: "database_url_invalid", message: message)
    }
}

public struct PostgresLocation: Sendable, Equatable {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var tls: TLSMode
    /// Tests give each case a schema of its own through this.
    public var searchPath: String?

    public init(
        host: String, port: Int, username: String, password: String?, database: String?, tls: TLSMode, searchPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.searchPath = searchPath
    }
}
