import Hummingbird
import Logging
import Subledger

/// What a request carries through the middleware to its route: its id (echoed in `X-Request-Id` and on
/// every log line) and, once the access middleware let it through, who sent it.
public struct ServerContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's id: the client's `X-Request-Id` when it sent a usable one, else generated.
    public var requestID: String = ""
    /// The token the request was authenticated with; nil with `--no-auth` and on the open routes.
    public var token: TokenInfo?
    /// The token's name: the `actor` recorded with the commands the request runs.
    public var actor: String? { token?.name }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Bodies larger than this are refused with 413 (a batch of about 10,000 JSON Lines commands).
    public var maxUploadSize: Int { ServerLimits.maximumBody }
}

public enum ServerLimits {
    public static let maximumBody = 4 << 20
}
