import JSONCore

/// What a role must trust for one ServiceAccount: the cluster's OIDC provider, the token's
/// subject and its audience. `providerPath` is the issuer without `https://`, the prefix of the
/// condition keys (`<providerPath>:sub`, `<providerPath>:aud`).
public struct WebIdentityGrant: Sendable, Equatable {
    public enum SubjectMatch: String, Sendable { case stringEquals = "StringEquals", stringLike = "StringLike" }

    public let providerARN: String
    public let providerPath: String
    public let subject: String
    public let audience: String
    public let subjectMatch: SubjectMatch

    public init(providerARN: String, providerPath: String, subject: String, audience: String,
                subjectMatch: SubjectMatch = .stringEquals) {
        self.providerARN = providerARN
        self.providerPath = providerPath
        self.subject = subject
        self.audience = audience
        self.subjectMatch = subjectMatch
    }

    public var subjectKey: String { "\(providerPath):sub" }
    public var audienceKey: String { "\(providerPath):aud" }

    /// The statement granting exactly this subject.
    public var statement: JSONValue {
        let condition: JSONValue = switch subjectMatch {
        case .stringEquals:
            ["StringEquals": .object(JSONObject([(subjectKey, .string(subject)), (audienceKey, .string(audience))]))]
        case .stringLike:
            ["StringLike": .object(JSONObject([(subjectKey, .string(subject))])),
             "StringEquals": .object(JSONObject([(audienceKey, .string(audience))]))]
        }
        return [
            "Effect": "Allow",
            "Principal": ["Federated": .string(providerARN)],
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        ]
    }

    /// A whole trust policy holding only this grant (what a new role gets).
    public var document: JSONValue { ["Version": "2012-10-17", "Statement": [statement]] }
}
