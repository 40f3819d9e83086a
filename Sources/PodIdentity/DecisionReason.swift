/// Why a pod got (or did not get) an identity. Kept as data and worded only when printed (the log
/// line, `mutate --explain`): building the sentence on every request would cost more than deciding.
public enum DecisionReason: Sendable, Equatable, CustomStringConvertible {
    case containerCredentials(ServiceAccountKey)
    case roleAnnotation(prefix: String, ServiceAccountKey)
    case configMapEntry(ServiceAccountKey)
    /// No `role-arn`, only `container-role-arns`: the listed containers get their roles, the others nothing.
    case containerRoleAnnotation(prefix: String, ServiceAccountKey)
    case serviceAccountNotFound(ServiceAccountKey)
    case noRole(prefix: String, ServiceAccountKey)
    /// A mode applied, but every container already had what it would add.
    indirect case alreadyComplete(DecisionReason)

    public var description: String {
        switch self {
        case .containerCredentials(let key): "service account \(key) is listed in the container credentials config"
        case .roleAnnotation(let prefix, let key): "role from annotation \(prefix)/role-arn of service account \(key)"
        case .containerRoleAnnotation(let prefix, let key):
            "roles per container from annotation \(prefix)/container-role-arns of service account \(key) (no \(prefix)/role-arn)"
        case .configMapEntry(let key): "role from the pod-identity-webhook ConfigMap entry for service account \(key)"
        case .serviceAccountNotFound(let key): "service account \(key) not found"
        case .noRole(let prefix, let key): "service account \(key) has no \(prefix)/role-arn annotation and no ConfigMap entry"
        case .alreadyComplete(let reason): "\(reason); the pod already has everything"
        }
    }
}
