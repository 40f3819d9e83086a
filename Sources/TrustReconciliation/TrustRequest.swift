import TrustPolicyRules

/// One subject asking to be trusted by one role, and where the ask came from (for Events and annotations).
public struct TrustRequest: Sendable, Hashable {
    public enum Origin: Sendable, Hashable, Comparable {
        /// A Kubeflow Profile's `AwsIamForServiceAccount` plugin; the subject is `<profile>:default-editor`.
        case profile(String)
        /// A ServiceAccount annotated `<prefix>/role-arn` and `<prefix>/manage-trust: "true"`.
        case serviceAccount(namespace: String, name: String)
    }

    public let origin: Origin
    public let namespace: String
    public let serviceAccount: String
    /// The role ARN exactly as the user wrote it (the annotation is set to this text).
    public let role: String

    public init(origin: Origin, namespace: String, serviceAccount: String, role: String) {
        self.origin = origin
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.role = role
    }

    /// The `sub` claim of the ServiceAccount's tokens.
    public var subject: String { ServiceAccountSubject.claim(namespace: namespace, serviceAccount: serviceAccount) }
}
