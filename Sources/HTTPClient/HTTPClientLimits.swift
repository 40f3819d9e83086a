/// Bounds on one call. Times: `connectTimeout` bounds resolving, connecting and the TLS handshake; the caller's
/// deadline bounds the whole call; streamed reads take their own idle timeout.
public struct HTTPClientLimits: Sendable, Equatable {
    public var connectTimeout: Duration
    /// Status line and headers together.
    public var maximumHeadBytes: Int
    /// A body read whole (`send`, `HTTPResponseStream.readBody`).
    public var maximumBodyBytes: Int

    public init(connectTimeout: Duration = .seconds(10), maximumHeadBytes: Int = 64 << 10,
                maximumBodyBytes: Int = 64 << 20) {
        self.connectTimeout = connectTimeout
        self.maximumHeadBytes = maximumHeadBytes
        self.maximumBodyBytes = maximumBodyBytes
    }
}
