import JSONCore
import TrustPolicyRules

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

/// A ServiceAccount's marker annotation: the role the controller once annotated it with (and so wrote trust into).
public struct RoleMarker: Sendable, Equatable {
    public let namespace: String
    public let serviceAccount: String
    public let role: String

    public init(namespace: String, serviceAccount: String, role: String) {
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.role = role
    }

    public var subject: String { ServiceAccountSubject.claim(namespace: namespace, serviceAccount: serviceAccount) }
}

/// Which roles one reconcile visits: every role something asks for now, and every role the controller may still have
/// a statement in (its own record of roles it wrote, and the markers). A role that is no longer asked for is visited
/// so its owned statement goes. A marker is an annotation anyone who may edit the ServiceAccount can write, so the
/// role it names is visited only when the rules allow that role for the ServiceAccount's namespace: a marker never
/// makes the controller write into a role it may not manage. One role (by IAM's identity) is visited once.
public struct RolesToVisit: Sendable, Equatable {
    public struct IgnoredMarker: Sendable, Equatable {
        public let marker: RoleMarker
        public let reason: TrustRequestError
    }

    /// Sorted by ARN.
    public let roles: [IAMRoleARN]
    public let ignored: [IgnoredMarker]

    /// `written`: roles this process wrote an owned statement into (they passed the rules when it did).
    public init(desired: DesiredTrust, written: [String], markers: [RoleMarker], rules: TrustRules) {
        var roles: [String: IAMRoleARN] = [:]
        for trust in desired.roles { roles[trust.role.iamIdentity] = trust.role }
        for text in written {
            if let role = try? IAMRoleARN(parsing: text), roles[role.iamIdentity] == nil { roles[role.iamIdentity] = role }
        }
        var ignored: [IgnoredMarker] = []
        for marker in markers {
            do throws(TrustRequestError) {
                let role = try IAMRoleARN(parsing: marker.role)
                try rules.check(role, namespace: marker.namespace, subject: marker.subject)
                if roles[role.iamIdentity] == nil { roles[role.iamIdentity] = role }
            } catch {
                ignored.append(IgnoredMarker(marker: marker, reason: error))
            }
        }
        self.roles = roles.values.sorted { $0.text < $1.text }
        self.ignored = ignored
    }
}

extension OwnedTrustStatement {
    /// Whether the owned statement of `document` lets `subject` in (exactly, or through a `StringLike` pattern):
    /// the condition for annotating its ServiceAccount.
    public func trusts(_ subject: String, in document: TrustPolicyDocument) -> Bool {
        guard let owned = document.statements.first(where: isOwned), owned["Effect"]?.string == "Allow" else { return false }
        let key = "\(issuer):sub"
        if PolicyGrammar.strings(owned["Condition"]?["StringEquals"]?[key]).contains(subject) { return true }
        let subjectScalars = Array(subject.unicodeScalars)
        return PolicyGrammar.strings(owned["Condition"]?["StringLike"]?[key]).contains { pattern in
            RolePattern.globMatches(Array(pattern.unicodeScalars), subjectScalars)
        }
    }
}
