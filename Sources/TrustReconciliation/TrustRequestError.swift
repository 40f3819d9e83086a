/// Why a trust request (a Profile's plugin, an annotated ServiceAccount) or a role is not acted on. Each case names
/// what was wrong, for the warning Event on the Profile or ServiceAccount.
public enum TrustRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidRoleARN(String, problem: String)
    /// A command-line setting the rules are built from (`--compact-namespace-prefix`, `--issuer`, the statement Sid).
    case invalidSetting(option: String, value: String, problem: String)
    case invalidCallerIdentity(arn: String, account: String)
    case invalidPluginSpec(profile: String, problem: String)
    case roleNotAllowed(role: String, subject: String)
    case foreignAccount(role: String, roleAccount: String, rolePartition: String, callerAccount: String, callerPartition: String)
    case providerNotTrusted(role: String, provider: String, found: [String])
    case invalidTrustPolicy(role: String, problem: String)
    case trustPolicyTooLarge(role: String, size: Int, quota: Int)

    public var description: String {
        switch self {
        case .invalidRoleARN(let text, let problem):
            "role ARN \"\(text)\": \(problem)"
        case .invalidSetting(let option, let value, let problem):
            "\(option) \"\(value)\": \(problem)"
        case .invalidCallerIdentity(let arn, let account):
            "caller identity \"\(arn)\" (account \"\(account)\") is not an ARN of that account"
        case .invalidPluginSpec(let profile, let problem):
            "Profile \(profile): plugin AwsIamForServiceAccount: \(problem)"
        case .roleNotAllowed(let role, let subject):
            "role \(role) is outside --allowed-roles for \(subject); trust not written"
        case .foreignAccount(let role, let roleAccount, let rolePartition, let callerAccount, let callerPartition):
            "role \(role) is in account \(roleAccount) (partition \(rolePartition)) but the controller runs as account "
                + "\(callerAccount) (partition \(callerPartition)); trust not written"
        case .providerNotTrusted(let role, let provider, let found):
            "role \(role) has no web-identity statement for \(provider)"
                + (found.isEmpty ? " (it trusts no OIDC provider)" : " (it trusts \(found.joined(separator: ", ")))")
                + "; trust not written"
        case .invalidTrustPolicy(let role, let problem):
            "role \(role): trust policy: \(problem)"
        case .trustPolicyTooLarge(let role, let size, let quota):
            "role \(role): the trust policy would be \(size) characters, over the quota of \(quota) "
                + "(--trust-policy-quota); the last good document is kept"
        }
    }
}
