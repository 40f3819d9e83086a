/// Protocol-level problems, for metrics; each is also logged once with its cause.
public enum ServerProtocolErrorKind: String, Sendable, CaseIterable {
    case malformedRequest, headersTooLarge, bodyTooLarge, unsupportedProtocolFeature
    case headerTimeout, requestTimeout, writeTimeout
    case connectionLimit, overloaded
    case http2ProtocolError, http2RapidReset, http2ControlFrameFlood, http2ContinuationFlood, http2StreamRefused
}

/// Hooks for metrics. Called from event loop threads (and the reload check); implementations must be cheap
/// and thread-safe. Every method has an empty default.
public protocol ServerObserver: Sendable {
    func connectionOpened()
    func connectionClosed()
    func tlsHandshakeFailed(reason: String)
    func protocolError(_ kind: ServerProtocolErrorKind)
    /// After a changed certificate/key pair was checked. `notAfter` (Unix seconds) is the serving
    /// certificate's, which on failure is still the old one.
    func certificateReloaded(success: Bool, notAfter: Int64?, error: String?)
}

extension ServerObserver {
    public func connectionOpened() {}
    public func connectionClosed() {}
    public func tlsHandshakeFailed(reason: String) {}
    public func protocolError(_ kind: ServerProtocolErrorKind) {}
    public func certificateReloaded(success: Bool, notAfter: Int64?, error: String?) {}
}
