/// Limits on sizes, times, counts and rates; every one bounds memory or time a client can make the server spend.
public struct ServerLimits: Sendable {
    /// Largest request body; larger gets 413 (decided from Content-Length before reading, or as chunks add up).
    public var maxRequestBytes = 7 * 1024 * 1024
    /// TLS handshake plus request head (first request), or a request head on a kept-alive connection.
    public var readHeaderTimeout: Duration = .seconds(10)
    /// A whole request (head and body, or an HTTP/2 stream's request) must arrive within this.
    public var readRequestTimeout: Duration = .seconds(30)
    /// A kept-alive connection with no request in progress is closed after this.
    public var idleTimeout: Duration = .seconds(120)
    /// A connection with a response to send that makes no write progress (or an HTTP/2 flow-control window
    /// that never opens) for this long is closed.
    public var writeTimeout: Duration = .seconds(30)
    /// HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; streams beyond it (counting those still being handled) are refused.
    public var maxConcurrentStreams = 128
    /// HTTP/1.1 head limit (431) and HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE (431 on the stream).
    public var maxHeaderListBytes = 64 * 1024
    /// Connections beyond this are accepted and closed at once.
    public var maxConnections = 10_000
    /// Requests handed to the handler and not yet answered, server-wide; beyond it: 503 / REFUSED_STREAM.
    public var maxPendingRequests = 4096
    /// Request bodies buffered at once on one HTTP/2 connection; a stream that would exceed it is refused.
    public var maxBufferedBodyBytesPerConnection = 16 * 1024 * 1024
    /// HTTP/2 RST_STREAM frames a client may send per second (rapid reset, CVE-2023-44487) before GOAWAY
    /// ENHANCE_YOUR_CALM.
    public var http2MaxResetsPerSecond = 200
    /// HTTP/2 SETTINGS, PING, PRIORITY and empty DATA frames a client may send per second before GOAWAY
    /// ENHANCE_YOUR_CALM.
    public var http2MaxControlFramesPerSecond = 200
    /// CONTINUATION frames allowed in one header block (CONTINUATION flood) before GOAWAY ENHANCE_YOUR_CALM.
    public var http2MaxContinuationFrames = 32

    public init() {}

    /// The defaults, the one home of these figures (the webhook's configuration and flags refer to them).
    public static let defaults = ServerLimits()
}
