/// What one reconcile does to one role, decided from its current trust policy and what it must trust.
public enum RolePlan: Sendable, Equatable {
    /// The document already says what it must: no IAM write.
    case unchanged
    /// One UpdateAssumeRolePolicy with `document` (whatever the number of subjects changed).
    case write(document: TrustPolicyDocument, added: [String], removed: [String])
    /// Nothing is written; the last good document stays. The reason goes to Events on every requester.
    case refused(TrustRequestError)

    /// `trust` nil means the role must trust none of the controller's subjects (the owned statement goes).
    public static func plan(role: IAMRoleARN, current: TrustPolicyDocument, trust: RoleTrust?,
                            owned: OwnedTrustStatement, quota: Int) -> RolePlan
    {
        let provider = owned.providerARN(for: role)
        if trust != nil {
            let providers = current.webIdentityProviders
            guard providers.contains(provider) else {
                return .refused(.providerNotTrusted(role: role.text, provider: provider, found: providers))
            }
        }
        let before = owned.trustedSubjects(in: current)
        let hasOwned = current.statements.contains(where: owned.isOwned)
        if trust == nil, !hasOwned { return .unchanged }
        let next = owned.applied(trust, role: role, to: current)
        if next.statements == current.statements { return .unchanged }
        let size = next.quotaSize
        guard size <= quota else { return .refused(.trustPolicyTooLarge(role: role.text, size: size, quota: quota)) }
        let after = owned.trustedSubjects(in: next)
        return .write(document: next, added: after.filter { !before.contains($0) },
                      removed: before.filter { !after.contains($0) })
    }
}
