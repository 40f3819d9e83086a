import JSONCore
import Testing
@testable import TrustPolicyRules

/// One file under BucketPolicyCases/: the bucket policy before (`null`: the bucket has none; a string: the policy's
/// raw text; anything else: the policy) and after (see CaseFile). The bucket is `irsa-c1` and the public keys are
/// the two documents of the issuer `https://.../id/C1` unless the file says otherwise (`bucket`, `keys`,
/// `partition`, `sizeLimit`).
struct BucketPolicyCase: CustomTestStringConvertible, Sendable {
    let name: String
    let behaviour: String
    let policy: IssuerBucketPolicy
    let sizeLimit: Int
    let before: [UInt8]?
    let expected: CaseFile.Expectation

    var testDescription: String { name }

    static func all() throws -> [BucketPolicyCase] {
        try CaseFile.all(in: "BucketPolicyCases").map { file in
            let value = file.value
            let before: [UInt8]? = switch value["before"] {
            case nil, .null?: nil
            case .string(let text)?: Array(text.utf8)
            case let document?: JSON.serialize(document)
            }
            let keys = value["keys"]?.array?.compactMap(\.string)
                ?? ["id/C1/.well-known/openid-configuration", "id/C1/openid/v1/jwks"]
            return BucketPolicyCase(
                name: file.name, behaviour: file.behaviour,
                policy: IssuerBucketPolicy(bucket: value["bucket"]?.string ?? "irsa-c1", keys: keys,
                                           partition: value["partition"]?.string ?? "aws"),
                sizeLimit: value["sizeLimit"]?.int64.map(Int.init) ?? IssuerBucketPolicy.sizeLimit,
                before: before, expected: file.expected)
        }
    }
}

extension IssuerBucketPolicyError {
    /// The case's name, as the fixtures write it.
    var caseName: String {
        switch self {
        case .invalidJSON: "invalidJSON"
        case .notAnObject: "notAnObject"
        case .badStatement: "badStatement"
        case .overSizeLimit: "overSizeLimit"
        }
    }
}
