/// The identity a pod gets, resolved from the ServiceAccount, the ConfigMap, the container-credentials
/// identities, the flags and the pod's own annotations, with upstream's precedence.
struct ResolvedIdentity {
    enum Credentials {
        /// nil: the ServiceAccount names roles only per container (`container-role-arns`).
        case webIdentity(roleARN: String?)
        case containerCredentials
    }

    var credentials: Credentials
    var audience: String
    var useRegionalSTS: Bool
    var tokenExpiration: Int64
    var reason: DecisionReason
    /// The ServiceAccount-level and pod-level additions to upstream (container roles, chain, region, ...).
    var features = MutationFeatures()
}

/// Reads one pod's identity; collects warnings about values it had to ignore.
struct IdentityResolver {
    /// Read through the mutator (a class): copying the settings per pod would retain each of their strings.
    let mutator: PodMutator
    var warnings: [String] = []

    var prefix: String { mutator.settings.annotationPrefix }

    /// nil, with a reason, when the pod gets no identity.
    mutating func resolve(key: ServiceAccountKey, record: ServiceAccountRecord?, snapshot: IdentitySnapshot,
                          podAnnotations: [String: String]) -> Result<ResolvedIdentity, NoIdentity> {
        if snapshot.containerCredentials.contains(key) {
            // Upstream's GetCommonConfigurations: the ServiceAccount, else the exact ConfigMap entry, else (false, 86400).
            var sts = false, expiration = TokenExpiration.defaultSeconds
            if let record {
                sts = regionalSTS(record)
                expiration = tokenExpiration(record)
            } else if let entry = snapshot.roleMappings.exactEntry(key) {
                sts = entry.useRegionalSTS ?? false
                expiration = entry.tokenExpiration.map(TokenExpiration.clamped) ?? mutator.settings.effectiveTokenExpiration
            }
            expiration = mutator.jitter.apply(to: podExpiration(podAnnotations, default: expiration))
            return .success(ResolvedIdentity(
                credentials: .containerCredentials, audience: mutator.settings.containerCredentials.audience,
                useRegionalSTS: sts, tokenExpiration: expiration,
                reason: .containerCredentials(key)))
        }
        if let record, let role = record.annotations["role-arn"], !role.isEmpty {
            return .success(webIdentity(
                role: role, audience: nonEmpty(record.annotations["audience"]) ?? mutator.settings.tokenAudience,
                sts: regionalSTS(record), expiration: tokenExpiration(record), podAnnotations: podAnnotations,
                reason: .roleAnnotation(prefix: prefix, key)))
        }
        if let entry = snapshot.roleMappings.lookup(key), !entry.roleARN.isEmpty {
            return .success(webIdentity(
                role: entry.roleARN, audience: entry.audience ?? mutator.settings.tokenAudience,
                sts: entry.useRegionalSTS ?? false,
                expiration: entry.tokenExpiration.map(TokenExpiration.clamped) ?? mutator.settings.effectiveTokenExpiration,
                podAnnotations: podAnnotations,
                reason: .configMapEntry(key)))
        }
        if record == nil { return .failure(NoIdentity(reason: .serviceAccountNotFound(key))) }
        if let record, record.annotations["container-role-arns"] != nil {
            // Roles only per container: the listed containers get theirs, the others nothing.
            return .success(webIdentity(
                role: nil, audience: nonEmpty(record.annotations["audience"]) ?? mutator.settings.tokenAudience,
                sts: regionalSTS(record), expiration: tokenExpiration(record), podAnnotations: podAnnotations,
                reason: .containerRoleAnnotation(prefix: prefix, key)))
        }
        return .failure(NoIdentity(reason: .noRole(prefix: prefix, key)))
    }

    struct NoIdentity: Error {
        let reason: DecisionReason
    }

    private mutating func webIdentity(role: String?, audience: String, sts: Bool, expiration: Int64,
                                      podAnnotations: [String: String], reason: DecisionReason) -> ResolvedIdentity {
        var arn: String?
        if let role { arn = composedRoleARN(role) }
        return ResolvedIdentity(credentials: .webIdentity(roleARN: arn), audience: audience, useRegionalSTS: sts,
                                tokenExpiration: podExpiration(podAnnotations, default: expiration), reason: reason)
    }

    /// `sts-regional-endpoints` (Go ParseBool), else the flag.
    private mutating func regionalSTS(_ record: ServiceAccountRecord) -> Bool {
        guard let text = record.annotations["sts-regional-endpoints"] else { return mutator.settings.stsRegionalEndpoint }
        guard let flag = GoSyntax.parseBool(text) else {
            warnings.append("service account annotation \(prefix)/sts-regional-endpoints \"\(text)\" is not a boolean; using \(mutator.settings.stsRegionalEndpoint)")
            return mutator.settings.stsRegionalEndpoint
        }
        return flag
    }

    /// `token-expiration` of the ServiceAccount (clamped), else the flag.
    private mutating func tokenExpiration(_ record: ServiceAccountRecord) -> Int64 {
        let fallback = mutator.settings.effectiveTokenExpiration
        guard let text = record.annotations["token-expiration"] else { return fallback }
        guard let seconds = TokenExpiration.parse(text) else {
            warnings.append("service account annotation \(prefix)/token-expiration \"\(text)\" is not an integer; using \(fallback)")
            return fallback
        }
        return TokenExpiration.clamped(seconds)
    }

    /// The pod's `token-expiration` annotation (clamped) overrides everything else.
    private mutating func podExpiration(_ annotations: [String: String], default fallback: Int64) -> Int64 {
        guard let text = annotations[mutator.tokenExpirationAnnotation] else { return fallback }
        guard let seconds = TokenExpiration.parse(text) else {
            warnings.append("pod annotation \(prefix)/token-expiration \"\(text)\" is not an integer; using \(fallback)")
            return fallback
        }
        return TokenExpiration.clamped(seconds)
    }

    /// `--compose-role-arn` applied, and the ARN checked (a warning, never a refusal, as upstream only logs it).
    mutating func composedRoleARN(_ role: String) -> String {
        let arn = mutator.settings.roleARNComposition?.compose(role) ?? role
        if !RoleARNSyntax.isIAMRoleARN(arn, allowNonAWSAccountID: mutator.settings.allowNonAWSAccountID) {
            warnings.append("role ARN \"\(arn)\" is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>); injected as given")
        }
        return arn
    }

    func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
}
