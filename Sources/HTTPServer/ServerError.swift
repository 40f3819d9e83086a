import TLSSupport

public enum ServerError: Error, CustomStringConvertible {
    case invalidAddress(host: String, port: Int, reason: String)
    case bindFailed(address: String, reason: String)
    case tls(TLSSettingsError)
    case systemCallFailed(call: String, reason: String)
    case alreadyStarted

    public var description: String {
        switch self {
        case .invalidAddress(let host, let port, let reason): return "cannot resolve \(host):\(port): \(reason)"
        case .bindFailed(let address, let reason): return "cannot listen on \(address): \(reason)"
        case .tls(let error): return error.description
        case .systemCallFailed(let call, let reason): return "\(call) failed: \(reason)"
        case .alreadyStarted: return "server already started"
        }
    }
}
