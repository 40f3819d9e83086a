/// Why an HTTP call failed: the server it was for (`host:port`) and what failed.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Failure: Sendable, Equatable {
        /// The request cannot be sent as given (a header with CR/LF, an HTTPS URL without a TLS context).
        case invalidRequest(String)
        /// The host name did not resolve.
        case resolve(String)
        /// No connection: refused, unreachable, or the connect timeout passed.
        case connect(String)
        /// The TLS handshake or a TLS record failed (certificate not trusted, protocol error).
        case tls(String)
        /// A deadline passed during the named operation ("reading the response", "TLS handshake").
        case timeout(String)
        /// The connection failed or closed early.
        case connection(String)
        /// The response is not HTTP/1.1 as it must be (status line, header, chunked framing).
        case malformedResponse(String)
        /// The response head, body or a streamed line is larger than its limit.
        case tooLarge(String)
        /// The caller's `StopSignal` was set.
        case stopped
    }

    /// `host:port` (IPv6 hosts in brackets).
    public var target: String
    public var failure: Failure

    public init(target: String, _ failure: Failure) {
        self.target = target
        self.failure = failure
    }

    public var description: String {
        switch failure {
        case .invalidRequest(let reason): return "invalid request for \(target): \(reason)"
        case .resolve(let reason): return "cannot connect to \(target): cannot resolve host: \(reason)"
        case .connect(let reason): return "cannot connect to \(target): \(reason)"
        case .tls(let reason): return "TLS with \(target): \(reason)"
        case .timeout(let operation): return "timed out \(operation) (\(target))"
        case .connection(let reason): return "connection to \(target): \(reason)"
        case .malformedResponse(let reason): return "malformed response from \(target): \(reason)"
        case .tooLarge(let reason): return "response from \(target) too large: \(reason)"
        case .stopped: return "stopped"
        }
    }
}

/// A framing problem found by a decoder that does not know the target; the reader adds it.
struct HTTPFramingError: Error {
    let failure: HTTPClientError.Failure
}
