import NIOCore
import NIOPosix
import TallyCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Looks a name up once, off the event loops, and checks every address it resolves to against the policy: the
/// sender then connects to the address checked here, so a name that answers differently a moment later (DNS
/// rebinding) cannot send the request inside.
enum OutboundResolver {
    struct Refused: Error, CustomStringConvertible {
        let description: String
    }

    /// - Parameter lookup: the name service (`getaddrinfo`, run on NIO's blocking thread pool); tests give their own.
    static func address(
        for url: OutboundURL, policy: OutboundPolicy, lookup: @Sendable (String) async throws -> [IPAddress] = systemLookup
    ) async throws -> SocketAddress {
        let candidates: [IPAddress]
        if let literal = url.literal {
            candidates = [literal]
        } else {
            candidates = try await lookup(url.host)
        }
        guard let first = candidates.first else { throw Refused(description: "the host resolved to no address") }
        // Any internal answer refuses the whole name: a rebinding server answers one public and one internal address.
        if let inside = candidates.first(where: { !policy.permits($0) }) {
            throw Refused(description: "the host resolves inside (\(inside))")
        }
        return try SocketAddress(ipAddress: first.description, port: url.port)
    }

    @Sendable static func systemLookup(_ host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive { try lookup(host) }
    }

    /// Every address `getaddrinfo` gives for `host` (TCP), IPv4-mapped ones folded to IPv4 by `IPAddress`.
    static func lookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let result else { throw Refused(description: "the host could not be resolved") }
        defer { freeaddrinfo(result) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = result
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let sockaddr = entry.pointee.ai_addr, entry.pointee.ai_family == AF_INET || entry.pointee.ai_family == AF_INET6 {
                _ = getnameinfo(sockaddr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let address = IPAddress(text) { addresses.append(address) }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
