import JSONCore
import Testing
@testable import TrustPolicyRules

/// One file under Cases/: a trust policy before, the subject to add, and the policy after (see CaseFile).
struct MergeCase: CustomTestStringConvertible, Sendable {
    static let providerPath = "oidc.example.com/id/C1"
    static let providerARN = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/C1"

    let name: String
    let behaviour: String
    let grant: WebIdentityGrant
    let quota: Int
    let before: JSONValue
    let expected: CaseFile.Expectation

    var testDescription: String { name }

    static func all() throws -> [MergeCase] {
        try CaseFile.all(in: "Cases").map { file in
            let value = file.value
            return MergeCase(
                name: file.name, behaviour: file.behaviour,
                grant: WebIdentityGrant(providerARN: providerARN, providerPath: providerPath,
                                        subject: value["grant"]?["subject"]?.string ?? "",
                                        audience: value["grant"]?["audience"]?.string ?? "sts.amazonaws.com"),
                quota: value["quota"]?.int64.map(Int.init) ?? TrustPolicyCheck.defaultQuota,
                before: value["before"] ?? .null, expected: file.expected)
        }
    }
}
