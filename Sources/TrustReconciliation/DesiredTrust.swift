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
        for prefix in compactNamespacePrefixes {
            // A namespace is a DNS label; a prefix with anything else (a glob character above all) would widen the pattern.
            guard !prefix.isEmpty, prefix.utf8.allSatisfy({
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "-")
            }) else {
                throw .invalidRoleARN(prefix, problem: "--compact-namespace-prefix must be the start of a namespace name ([a-z0-9-]+)")
            }
        }
        self.allowedRoles = allowedRoles
        self.caller = caller
        self.compactNamespacePrefixes = compactNamespacePrefixes
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
                try Self.check(role, for: request, rules: rules)
            } catch {
                refusals.append(Refusal(request: request, reason: error))
                continue
            }
            var entry = byRole[role.text] ?? (role, [], [], [])
            if let prefix = Self.compactPrefix(of: request.namespace, rules: rules) {
                entry.patterns.insert("system:serviceaccount:\(prefix)*:\(request.serviceAccount)")
            } else {
                entry.subjects.insert(request.subject)
            }
            entry.requests.append(request)
            byRole[role.text] = entry
        }
        self.roles = byRole.keys.sorted().map { key in
            let entry = byRole[key]!
            return RoleTrust(role: entry.role, subjects: entry.subjects.sorted(), patterns: entry.patterns.sorted(),
                             requests: entry.requests.sorted { $0.origin < $1.origin })
        }
        self.refusals = refusals.sorted { $0.request.origin < $1.request.origin }
    }

    public func trust(of role: IAMRoleARN) -> RoleTrust? { roles.first { $0.role == role } }

    private static func check(_ role: IAMRoleARN, for request: TrustRequest, rules: TrustRules) throws(TrustRequestError) {
        guard rules.allowedRoles.contains(where: { $0.allows(role, forNamespace: request.namespace) }) else {
            throw .roleNotAllowed(role: role.text, subject: request.subject)
        }
        guard role.accountID == rules.caller.accountID, role.partition == rules.caller.partition else {
            throw .foreignAccount(role: role.text, roleAccount: role.accountID, rolePartition: role.partition,
                                  callerAccount: rules.caller.accountID, callerPartition: rules.caller.partition)
        }
    }

    /// The longest configured prefix the namespace starts with (so `kf-team-` wins over `kf-`).
    private static func compactPrefix(of namespace: String, rules: TrustRules) -> String? {
        rules.compactNamespacePrefixes.filter { namespace.hasPrefix($0) }.max { $0.count < $1.count }
    }
}
