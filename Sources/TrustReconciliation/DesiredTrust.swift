import TrustPolicyRules

/// The rules every trust request is checked against before anything is written.
public struct TrustRules: Sendable {
    public let allowedRoles: [RolePattern]
    public let caller: CallerAccount
    /// `--compact-namespace-prefix`: subjects of namespaces starting with one of these are written as one
    /// `StringLike` pattern per ServiceAccount name, which trusts every such namespace (the admin's explicit trade).
    public let compactNamespacePrefixes: [String]

    public init(allowedRoles: [RolePattern], caller: CallerAccount, compactNamespacePrefixes: [String] = [])
        throws(TrustRequestError)
    {
        for prefix in compactNamespacePrefixes { try Self.checkCompactPrefix(prefix) }
        self.allowedRoles = allowedRoles
        self.caller = caller
        self.compactNamespacePrefixes = compactNamespacePrefixes
    }

    /// A namespace is a DNS label; a prefix with anything else (a glob character above all) would widen the pattern.
    /// Also called before the command's first AWS call, so a bad flag is named before anything is done.
    public static func checkCompactPrefix(_ prefix: String) throws(TrustRequestError) {
        guard !prefix.isEmpty, prefix.utf8.allSatisfy({
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                || $0 == UInt8(ascii: "-")
        }) else {
            throw .invalidSetting(option: "--compact-namespace-prefix", value: prefix,
                                  problem: "must be the start of a namespace name ([a-z0-9-]+)")
        }
    }

    /// Throws why `role` may not trust a ServiceAccount of `namespace`: outside `--allowed-roles` for that namespace,
    /// or in another account or partition than the controller's own.
    public func check(_ role: IAMRoleARN, namespace: String, subject: String) throws(TrustRequestError) {
        guard allowedRoles.contains(where: { $0.allows(role, forNamespace: namespace) }) else {
            throw .roleNotAllowed(role: role.text, subject: subject)
        }
        guard role.accountID == caller.accountID, role.partition == caller.partition else {
            throw .foreignAccount(role: role.text, roleAccount: role.accountID, rolePartition: role.partition,
                                  callerAccount: caller.accountID, callerPartition: caller.partition)
        }
    }

    /// The compact prefix a subject of `namespace` is written under for `role`: the longest configured prefix the
    /// namespace starts with (so `kf-team-` wins over `kf-`), and only when a pattern without `{namespace}` allows the
    /// role. A role allowed only per namespace keeps exact subjects, or the pattern would let every namespace with
    /// the prefix into one namespace's role.
    public func compactPrefix(of namespace: String, for role: IAMRoleARN) -> String? {
        guard allowedRoles.contains(where: { !$0.isPerNamespace && $0.allows(role, forNamespace: namespace) }) else {
            return nil
        }
        return compactNamespacePrefixes.filter { namespace.hasPrefix($0) }.max { $0.count < $1.count }
    }
}

/// What one role must trust: exact subjects and compacted `StringLike` patterns, and the requests behind them.
public struct RoleTrust: Sendable, Equatable {
    public let role: IAMRoleARN
    /// Sorted, without duplicates.
    public let subjects: [String]
    /// Sorted, without duplicates: `system:serviceaccount:<prefix>*:<name>`.
    public let patterns: [String]
    /// Sorted by origin: who asked (their Events, and the annotations written once trust is in place).
    public let requests: [TrustRequest]
}

/// The desired state, level-based: computed from the requests that exist now, never from event history.
public struct DesiredTrust: Sendable, Equatable {
    public struct Refusal: Sendable, Equatable {
        public let request: TrustRequest
        public let reason: TrustRequestError
    }

    /// Sorted by role ARN.
    public let roles: [RoleTrust]
    /// Sorted by origin.
    public let refusals: [Refusal]

    public init(requests: [TrustRequest], rules: TrustRules) {
        var byRole: [String: (role: IAMRoleARN, subjects: Set<String>, patterns: Set<String>, requests: [TrustRequest])] = [:]
        var refusals: [Refusal] = []
        for request in Set(requests) {
            let role: IAMRoleARN
            do throws(TrustRequestError) {
                role = try IAMRoleARN(parsing: request.role)
                try rules.check(role, namespace: request.namespace, subject: request.subject)
            } catch {
                refusals.append(Refusal(request: request, reason: error))
                continue
            }
            // Keyed by the role IAM knows, so two spellings of one role (with and without a path) make one write.
            var entry = byRole[role.iamIdentity] ?? (role, [], [], [])
            if role.text < entry.role.text { entry.role = role }  // the same spelling whatever the order of requests
            if let prefix = rules.compactPrefix(of: request.namespace, for: role) {
                entry.patterns.insert(ServiceAccountSubject.claim(namespace: prefix + "*", serviceAccount: request.serviceAccount))
            } else {
                entry.subjects.insert(request.subject)
            }
            entry.requests.append(request)
            byRole[role.iamIdentity] = entry
        }
        self.roles = byRole.values.sorted { $0.role.text < $1.role.text }.map { entry in
            RoleTrust(role: entry.role, subjects: entry.subjects.sorted(), patterns: entry.patterns.sorted(),
                             requests: entry.requests.sorted { $0.origin < $1.origin })
        }
        self.refusals = refusals.sorted { $0.request.origin < $1.request.origin }
    }

    public func trust(of role: IAMRoleARN) -> RoleTrust? { roles.first { $0.role.iamIdentity == role.iamIdentity } }
}
