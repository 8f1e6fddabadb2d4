import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the socket peer,
/// which the tracking endpoints need for the hit's address, and the caller once an API key identified it.
public struct TallyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// Set by the API key layer for `/v2` routes.
    public var auth: APIAuth?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
