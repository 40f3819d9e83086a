/// A configuration that cannot be used, naming the file and the field at fault.
public enum KubernetesConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidServerURL(String, reason: String)
    case unreadableFile(path: String, reason: String)
    case invalidKubeconfig(path: String, field: String, reason: String)
    case inClusterUnavailable(reason: String)
    case invalidCredentials(origin: String, reason: String)

    public var description: String {
        switch self {
        case .invalidServerURL(let url, let reason):
            return "invalid API server URL \"\(url)\": \(reason)"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .invalidKubeconfig(let path, let field, let reason):
            return "kubeconfig \(path): \(field): \(reason)"
        case .inClusterUnavailable(let reason):
            return "in-cluster configuration unavailable: \(reason) (use --kubeconfig outside a cluster)"
        case .invalidCredentials(let origin, let reason):
            return "\(origin): \(reason)"
        }
    }
}
