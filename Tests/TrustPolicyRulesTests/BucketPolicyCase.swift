import Foundation
import JSONCore
import Testing
@testable import TrustPolicyRules

/// One file under BucketPolicyCases/: the bucket policy before (`null`: the bucket has none; a string: the policy's
/// raw text; anything else: the policy), and after (`"unchanged"` when nothing may be written, `{"error": CASE}`
/// when the merge must refuse). The bucket is `irsa-c1` and the public keys are the issuer `https://.../id/C1`'s two
/// documents unless the file says otherwise (`bucket`, `keys`, `partition`, `sizeLimit`).
struct BucketPolicyCase: CustomTestStringConvertible, Sendable {
    enum Expectation: Sendable {
        case unchanged
        case document(JSONValue)
        case error(String)
    }

    let name: String
    let behaviour: String
    let policy: IssuerBucketPolicy
    let sizeLimit: Int
    let before: [UInt8]?
    let expected: Expectation

    var testDescription: String { name }

    static func all() throws -> [BucketPolicyCase] {
        let folder = Bundle.module.url(forResource: "BucketPolicyCases", withExtension: nil)!
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let value = try JSON.parse(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
            let before: [UInt8]? = switch value["before"] {
            case nil, .null?: nil
            case .string(let text)?: Array(text.utf8)
            case let document?: JSON.serialize(document)
            }
            let expected: Expectation = switch value["after"] {
            case .string("unchanged")?: .unchanged
            case let after? where after["error"] != nil: .error(after["error"]?.string ?? "")
            case let after?: .document(after)
            case nil: .error("the case has no 'after'")
            }
            let keys = value["keys"]?.array?.compactMap(\.string)
                ?? ["id/C1/.well-known/openid-configuration", "id/C1/openid/v1/jwks"]
            return BucketPolicyCase(
                name: name, behaviour: value["behaviour"]?.string ?? "",
                policy: IssuerBucketPolicy(bucket: value["bucket"]?.string ?? "irsa-c1", keys: keys,
                                           partition: value["partition"]?.string ?? "aws"),
                sizeLimit: value["sizeLimit"]?.int64.map(Int.init) ?? IssuerBucketPolicy.sizeLimit,
                before: before, expected: expected)
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
