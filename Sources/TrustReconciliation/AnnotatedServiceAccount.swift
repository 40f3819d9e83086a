import JSONCore

/// ServiceAccounts that ask for trust themselves: `<prefix>/role-arn` names the role and `<prefix>/manage-trust: "true"`
/// opts in (the role annotation alone keeps meaning what it means to the webhook, and nothing is written to IAM).
public struct AnnotatedServiceAccounts: Sendable {
    public let roleAnnotation: String
    public let manageTrustAnnotation: String
    public let namespaceSelector: LabelSelector

    public init(annotationPrefix: String, namespaceSelector: LabelSelector) {
        self.roleAnnotation = annotationPrefix + "/role-arn"
        self.manageTrustAnnotation = annotationPrefix + "/manage-trust"
        self.namespaceSelector = namespaceSelector
    }

    /// The request of one ServiceAccount object, or nil when it asks for none (or its namespace is not selected).
    /// `namespaceLabels` is nil when the namespace is unknown (not yet listed, or gone): nothing is asked then.
    public func request(of serviceAccount: JSONValue, namespaceLabels: [String: String]?) -> TrustRequest? {
        guard let metadata = serviceAccount["metadata"], let name = metadata["name"]?.string,
              let namespace = metadata["namespace"]?.string, metadata["deletionTimestamp"] == nil,
              let labels = namespaceLabels, namespaceSelector.matches(labels),
              metadata["annotations"]?[manageTrustAnnotation]?.string == "true",
              let role = metadata["annotations"]?[roleAnnotation]?.string, !role.isEmpty
        else { return nil }
        return TrustRequest(origin: .serviceAccount(namespace: namespace, name: name), namespace: namespace,
                            serviceAccount: name, role: role)
    }
}
