import JSONCore

public enum TrustPolicyCheckError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidJSON(String)
    case noWebIdentityStatement(providerARN: String)
    case overQuota(size: Int, quota: Int)

    public var description: String {
        switch self {
        case .invalidJSON(let detail): "the trust policy is not valid JSON: \(detail)"
        case .noWebIdentityStatement(let arn): "the trust policy has no Allow sts:AssumeRoleWithWebIdentity statement for \(arn)"
        case .overQuota(let size, let quota):
            "the trust policy is \(size) characters (whitespace not counted), over the quota of \(quota) (IAM would answer LimitExceeded); raise the role trust policy length quota and pass --trust-policy-quota, or use fewer subjects (e.g. one StringLike pattern)"
        }
    }
}

/// What every trust policy must pass before it is written to IAM.
public enum TrustPolicyCheck {
    /// IAM's default quota for a role trust policy, in characters without whitespace.
    public static let defaultQuota = 2048

    /// The size IAM counts: characters that are not whitespace.
    public static func countedSize(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { count, scalar in
            scalar.properties.isWhitespace ? count : count + 1
        }
    }

    /// The document as it is sent (compact JSON), after the checks.
    public static func validate(_ document: JSONValue, providerARN: String, quota: Int) throws(TrustPolicyCheckError) -> String {
        let text = JSON.serializeToString(document)
        do {
            _ = try JSON.parse(text)
        } catch {
            throw .invalidJSON(error.description)
        }
        let statements = document.object.flatMap(PolicyGrammar.statements(of:))?.list ?? []
        guard statements.contains(where: { WebIdentityStatement.trusts($0, providerARN: providerARN) }) else {
            throw .noWebIdentityStatement(providerARN: providerARN)
        }
        let size = countedSize(text)
        guard size <= quota else { throw .overQuota(size: size, quota: quota) }
        return text
    }
}
