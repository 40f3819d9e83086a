/// A complete HTTP/1.x request with what the connection needs beyond the handler's view.
public struct HTTP1ParsedRequest: Sendable {
    public var request: HTTPRequest
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Whether the connection may stay open after the response (HTTP/1.1 default, HTTP/1.0 opt-in).
    public var keepAlive: Bool
    /// `Expect: 100-continue` was sent with a body.
    public var expectsContinue: Bool
}
