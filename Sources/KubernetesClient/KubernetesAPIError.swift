import HTTPClient

/// Why a call to the API server failed.
public enum KubernetesAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP exchange failed (connect, TLS, timeout, connection, HTTP framing); it names host:port.
    case transport(HTTPClientError)
    /// The answer is HTTP but not the Kubernetes object expected (a list without metadata, a bad watch event).
    case malformedResponse(String)
    /// A non-2xx answer: the status code, the URL path and the server's `Status.message` (or the body's start).
    case status(code: Int, path: String, message: String)
    case stopped

    /// A transport failure, except that a stop stays `.stopped` (loops end on it).
    init(_ error: HTTPClientError) {
        self = error.failure == .stopped ? .stopped : .transport(error)
    }

    public var description: String {
        switch self {
        case .transport(let error): return error.description
        case .malformedResponse(let reason): return "malformed response: \(reason)"
        case .status(let code, let path, let message): return "HTTP \(code) for \(path): \(message)"
        case .stopped: return "stopped"
        }
    }

    /// 401 or 403: retrying will not help until the credentials or RBAC change.
    public var isAuthorizationFailure: Bool {
        if case .status(let code, _, _) = self { return code == 401 || code == 403 }
        return false
    }

    /// 410 Gone: the requested resourceVersion was compacted away; only a relist recovers.
    public var isExpired: Bool {
        if case .status(410, _, _) = self { return true }
        return false
    }

    /// The server answered, but with nothing a Kubernetes client can use (HTTP framing or object shape).
    var isInvalidResponse: Bool {
        switch self {
        case .malformedResponse: return true
        case .transport(let error):
            switch error.failure {
            case .malformedResponse, .tooLarge: return true
            default: return false
            }
        default: return false
        }
    }
}
