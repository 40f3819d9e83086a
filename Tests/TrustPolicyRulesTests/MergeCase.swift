import Foundation
import JSONCore
import Testing
@testable import TrustPolicyRules

/// One file under Cases/: a trust policy before, the subject to add, and the policy after
/// (`"unchanged"` when nothing may be written, `{"error": ...}` when the result must be refused).
struct MergeCase: CustomTestStringConvertible, Sendable {
    enum Expectation: Sendable {
        case unchanged
        case document(JSONValue)
        case error(String)
    }

    static let providerPath = "oidc.example.com/id/C1"
    static let providerARN = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/C1"

    let name: String
    let behaviour: String
    let grant: WebIdentityGrant
    let quota: Int
    let before: JSONValue
    let expected: Expectation

    var testDescription: String { name }

    static func all() throws -> [MergeCase] {
        let folder = Bundle.module.url(forResource: "Cases", withExtension: nil)!
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let value = try JSON.parse(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
            let expected: Expectation = switch value["after"] {
            case .string("unchanged")?: .unchanged
            case let after? where after["error"] != nil: .error(after["error"]!.string!)
            case let after?: .document(after)
            case nil: .error("the case has no 'after'")
            }
            return MergeCase(
                name: name, behaviour: value["behaviour"]?.string ?? "",
                grant: WebIdentityGrant(providerARN: providerARN, providerPath: providerPath,
                                        subject: value["grant"]?["subject"]?.string ?? "",
                                        audience: value["grant"]?["audience"]?.string ?? "sts.amazonaws.com"),
                quota: value["quota"]?.int64.map(Int.init) ?? TrustPolicyCheck.defaultQuota,
                before: value["before"] ?? .null, expected: expected)
        }
    }
}
