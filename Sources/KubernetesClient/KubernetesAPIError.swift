/// Why a call to the API server failed.
public enum KubernetesAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    case connect(target: String, reason: String)
    case tls(String)
    case timeout(String)
    case connection(String)
    case malformedResponse(String)
    /// A non-2xx answer: the status code, the URL path and the server's `Status.message` (or the body's start).
    case status(code: Int, path: String, message: String)
    case stopped

    public var description: String {
        switch self {
        case .connect(let target, let reason): return "cannot connect to \(target): \(reason)"
        case .tls(let reason): return "TLS: \(reason)"
        case .timeout(let operation): return "timed out \(operation)"
        case .connection(let reason): return "connection: \(reason)"
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
}
