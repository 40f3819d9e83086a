import JSONCore

/// The `<prefix>/role-arn` annotation the controller puts on a requester's ServiceAccount (a Profile's
/// `default-editor`): set only once the role's trust policy trusts the ServiceAccount, so no pod is given a role it
/// cannot assume, and removed only when this controller set it. A marker annotation records what it set; it is also
/// how the roles the controller once wrote are found again after a restart (role A -> B: A is still visited).
public struct RoleAnnotation: Sendable {
    public let roleAnnotation: String
    public let markerAnnotation: String

    public init(annotationPrefix: String) {
        self.roleAnnotation = annotationPrefix + "/role-arn"
        self.markerAnnotation = annotationPrefix + "/trust-controller-role"
    }

    /// The merge patch that brings the ServiceAccount's annotations to `role` (nil: no role from this controller),
    /// or nil when they already say it. It carries the observed `resourceVersion`, so a concurrent change is a 409
    /// and the patch is decided again from the new object.
    public func patch(annotations: [String: String], resourceVersion: String, role: String?) -> JSONValue? {
        var changes = JSONObject()
        if let role {
            if annotations[roleAnnotation] != role { changes[roleAnnotation] = .string(role) }
            if annotations[markerAnnotation] != role { changes[markerAnnotation] = .string(role) }
        } else if let marked = annotations[markerAnnotation] {
            // A role annotation someone changed after the controller set it is theirs now: only the marker goes.
            if annotations[roleAnnotation] == marked { changes[roleAnnotation] = .null }
            changes[markerAnnotation] = .null
        }
        guard !changes.isEmpty else { return nil }
        return ["metadata": ["resourceVersion": .string(resourceVersion), "annotations": .object(changes)]]
    }
}

/// Which roles one reconcile visits: every role something asks for now, and every role the controller may still have
/// a statement in (recorded by the markers, and by the controller's own record of roles it wrote). A role that is
/// no longer asked for is visited so its owned statement goes.
public enum RolesToVisit {
    public static func roles(desired: DesiredTrust, previouslyWritten: [String]) -> [IAMRoleARN] {
        var roles: [String: IAMRoleARN] = [:]
        for trust in desired.roles { roles[trust.role.text] = trust.role }
        for text in previouslyWritten where roles[text] == nil {
            if let role = try? IAMRoleARN(parsing: text) { roles[text] = role }
        }
        return roles.keys.sorted().map { roles[$0]! }
    }
}

extension OwnedTrustStatement {
    /// Whether the owned statement of `document` lets `subject` in (exactly, or through a `StringLike` pattern):
    /// the condition for annotating its ServiceAccount.
    public func trusts(_ subject: String, in document: TrustPolicyDocument) -> Bool {
        guard let owned = document.statements.first(where: isOwned), owned["Effect"]?.string == "Allow" else { return false }
        let key = "\(issuer):sub"
        if TrustPolicyDocument.strings(owned["Condition"]?["StringEquals"]?[key]).contains(subject) { return true }
        let subjectScalars = Array(subject.unicodeScalars)
        return TrustPolicyDocument.strings(owned["Condition"]?["StringLike"]?[key]).contains { pattern in
            RolePattern.globMatches(Array(pattern.unicodeScalars), subjectScalars)
        }
    }
}
