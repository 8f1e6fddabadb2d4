import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's core storage plus the socket peer,
/// which the tracking endpoints need for the hit's address.
public struct TallyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
