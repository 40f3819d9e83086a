import JSONCore
import TrustPolicyRules

/// An IAM role trust policy letting one ServiceAccount (or every ServiceAccount of a namespace)
/// assume the role with its projected token, through the cluster's OIDC provider.
public struct TrustPolicy: Sendable, Equatable {
    public enum Subject: Sendable, Equatable {
        case serviceAccount(String)
        /// `system:serviceaccount:<namespace>:*`, matched with `StringLike`.
        case allServiceAccounts
    }

    public let issuer: IssuerURL
    public let accountID: String
    public let namespace: String
    public let subject: Subject
    public let audience: String
    public let partition: String

    public init(issuer: IssuerURL, accountID: String, namespace: String, subject: Subject,
                audience: String = "sts.amazonaws.com", partition: String = "aws") throws(ToolkitError) {
        guard accountID.utf8.count == 12, accountID.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw .invalidOption(option: "--account-id", value: accountID, problem: "an AWS account ID is exactly 12 digits")
        }
        try KubernetesName.validateLabel(namespace, option: "--namespace")
        if case .serviceAccount(let name) = subject {
            try KubernetesName.validateSubdomain(name, option: "--service-account")
        }
        guard !audience.isEmpty, !audience.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F || $0 == UInt8(ascii: "\"") }) else {
            throw .invalidOption(option: "--audience", value: audience,
                problem: "must be non-empty printable ASCII without spaces (it must equal the OIDC provider's client ID)")
        }
        guard Self.isPartition(partition) else {
            throw .invalidOption(option: "--partition", value: partition,
                problem: "not an AWS partition name (aws, aws-cn, aws-us-gov, ...)")
        }
        self.issuer = issuer
        self.accountID = accountID
        self.namespace = namespace
        self.subject = subject
        self.audience = audience
        self.partition = partition
    }

    /// `system:serviceaccount:<namespace>:<name>`, the `sub` claim of the ServiceAccount's tokens.
    public var subjectClaim: String {
        switch subject {
        case .serviceAccount(let name): ServiceAccountSubject.claim(namespace: namespace, serviceAccount: name)
        case .allServiceAccounts: ServiceAccountSubject.claim(namespace: namespace, serviceAccount: "*")
        }
    }

    public var providerARN: String { "arn:\(partition):iam::\(accountID):oidc-provider/\(issuer.withoutScheme)" }

    /// The grant this policy expresses, for the merge into an existing trust policy.
    public var grant: WebIdentityGrant {
        WebIdentityGrant(providerARN: providerARN, providerPath: issuer.withoutScheme, subject: subjectClaim, audience: audience,
                         subjectMatch: subject == .allServiceAccounts ? .stringLike : .stringEquals)
    }

    public var document: JSONValue { grant.document }

    /// `aws` optionally followed by `-` separated lowercase words (`aws-cn`, `aws-us-gov`, `aws-iso-b`).
    private static func isPartition(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.first == "aws" && parts.dropFirst().allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }
        }
    }
}
