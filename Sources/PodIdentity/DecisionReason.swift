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

    /// A piece of the sentence: fixed wording, or a value from the request or the settings.
    public enum Piece {
        case text(StaticString)
        case value(String)
    }

    /// The sentence piece by piece, so a log line writes it straight into its buffer (escaping only the
    /// values) instead of building it as a string first. The one home of the wording.
    public func forEachPiece(_ body: (Piece) -> Void) {
        func key(_ key: ServiceAccountKey) {
            body(.value(key.namespace))
            body(.text("/"))
            body(.value(key.name))
        }
        switch self {
        case .containerCredentials(let account):
            body(.text("service account "))
            key(account)
            body(.text(" is listed in the container credentials config"))
        case .roleAnnotation(let prefix, let account):
            body(.text("role from annotation "))
            body(.value(prefix))
            body(.text("/role-arn of service account "))
            key(account)
        case .containerRoleAnnotation(let prefix, let account):
            body(.text("roles per container from annotation "))
            body(.value(prefix))
            body(.text("/container-role-arns of service account "))
            key(account)
            body(.text(" (no "))
            body(.value(prefix))
            body(.text("/role-arn)"))
        case .configMapEntry(let account):
            body(.text("role from the pod-identity-webhook ConfigMap entry for service account "))
            key(account)
        case .serviceAccountNotFound(let account):
            body(.text("service account "))
            key(account)
            body(.text(" not found"))
        case .noRole(let prefix, let account):
            body(.text("service account "))
            key(account)
            body(.text(" has no "))
            body(.value(prefix))
            body(.text("/role-arn annotation and no ConfigMap entry"))
        case .alreadyComplete(let reason):
            reason.forEachPiece(body)
            body(.text("; the pod already has everything"))
        }
    }

    public var description: String {
        var sentence = ""
        forEachPiece { piece in
            switch piece {
            case .text(let text): sentence += text.description
            case .value(let value): sentence += value
            }
        }
        return sentence
    }
}
