import Hummingbird
import Logging

/// What a request carries through the middleware to its route: its id (echoed in `X-Request-Id` and on
/// every log line) and, once the access middleware let it through, who sent it.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's id: the client's `X-Request-Id` when it sent a usable one, else generated.
    public var requestID: String = ""
    /// The name of the token the request was authenticated with (the `actor` of the commands it runs);
    /// nil with `--no-auth`.
    public var actor: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies larger than this are refused with 413 (a batch of about 10,000 JSON Lines commands).
    public var maxUploadSize: Int { ServerLimits.maximumBody }
}

public enum ServerLimits {
    public static let maximumBody = 4 << 20
}
