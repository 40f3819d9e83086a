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
    mutating func resolve(key: ServiceAccountKey, record: ServiceAccountRecord?, annotations: ServiceAccountAnnotations,
                          snapshot: IdentitySnapshot, pod: PodAnnotationValues) -> Result<ResolvedIdentity, NoIdentity> {
        if snapshot.containerCredentials.contains(key) {
            // Upstream's GetCommonConfigurations: the ServiceAccount, else the exact ConfigMap entry, else (false, 86400).
            var sts = false, expiration = TokenExpiration.defaultSeconds
            if record != nil {
                sts = regionalSTS(annotations)
                expiration = tokenExpiration(annotations)
            } else if let entry = snapshot.roleMappings.exactEntry(key) {
                sts = entry.useRegionalSTS ?? false
                expiration = entry.tokenExpiration.map(TokenExpiration.clamped) ?? mutator.settings.effectiveTokenExpiration
            }
            expiration = mutator.jitter.apply(to: podExpiration(pod, default: expiration))
            return .success(ResolvedIdentity(
                credentials: .containerCredentials, audience: mutator.settings.containerCredentials.audience,
                useRegionalSTS: sts, tokenExpiration: expiration,
                reason: .containerCredentials(key)))
        }
        if let role = annotations.roleARN, !role.isEmpty {
            return .success(webIdentity(
                role: role, audience: nonEmpty(annotations.audience) ?? mutator.settings.tokenAudience,
                sts: regionalSTS(annotations), expiration: tokenExpiration(annotations), pod: pod,
                reason: .roleAnnotation(prefix: prefix, key)))
        }
        if let entry = snapshot.roleMappings.lookup(key), !entry.roleARN.isEmpty {
            return .success(webIdentity(
                role: entry.roleARN, audience: entry.audience ?? mutator.settings.tokenAudience,
                sts: entry.useRegionalSTS ?? false,
                expiration: entry.tokenExpiration.map(TokenExpiration.clamped) ?? mutator.settings.effectiveTokenExpiration,
                pod: pod,
                reason: .configMapEntry(key)))
        }
        if record == nil { return .failure(NoIdentity(reason: .serviceAccountNotFound(key))) }
        if annotations.additions["container-role-arns"] != nil {
            // Roles only per container: the listed containers get theirs, the others nothing.
            return .success(webIdentity(
                role: nil, audience: nonEmpty(annotations.audience) ?? mutator.settings.tokenAudience,
                sts: regionalSTS(annotations), expiration: tokenExpiration(annotations), pod: pod,
                reason: .containerRoleAnnotation(prefix: prefix, key)))
        }
        return .failure(NoIdentity(reason: .noRole(prefix: prefix, key)))
    }

    struct NoIdentity: Error {
        let reason: DecisionReason
    }

    private mutating func webIdentity(role: String?, audience: String, sts: Bool, expiration: Int64,
                                      pod: PodAnnotationValues, reason: DecisionReason) -> ResolvedIdentity {
        var arn: String?
        if let role { arn = composedRoleARN(role) }
        return ResolvedIdentity(credentials: .webIdentity(roleARN: arn), audience: audience, useRegionalSTS: sts,
                                tokenExpiration: podExpiration(pod, default: expiration), reason: reason)
    }

    /// `sts-regional-endpoints` (Go ParseBool), else the flag.
    private mutating func regionalSTS(_ annotations: ServiceAccountAnnotations) -> Bool {
        guard let text = annotations.stsRegionalEndpoints else { return mutator.settings.stsRegionalEndpoint }
        guard let flag = GoSyntax.parseBool(text) else {
            warnings.append("service account annotation \(prefix)/sts-regional-endpoints \"\(text)\" is not a boolean; using \(mutator.settings.stsRegionalEndpoint)")
            return mutator.settings.stsRegionalEndpoint
        }
        return flag
    }

    /// `token-expiration` of the ServiceAccount (clamped), else the flag.
    private mutating func tokenExpiration(_ annotations: ServiceAccountAnnotations) -> Int64 {
        let fallback = mutator.settings.effectiveTokenExpiration
        guard let text = annotations.tokenExpiration else { return fallback }
        guard let seconds = TokenExpiration.parse(text) else {
            warnings.append("service account annotation \(prefix)/token-expiration \"\(text)\" is not an integer; using \(fallback)")
            return fallback
        }
        return TokenExpiration.clamped(seconds)
    }

    /// The pod's `token-expiration` annotation (clamped) overrides everything else.
    private mutating func podExpiration(_ pod: PodAnnotationValues, default fallback: Int64) -> Int64 {
        guard let text = pod.tokenExpiration else { return fallback }
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
