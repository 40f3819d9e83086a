import AWSClient
import AWSCore
import TrustReconciliation

/// The two IAM calls the controller makes on a role, counted by action and result.
struct IAMTrustPolicies: Sendable {
    enum ReadError: Error, Sendable, CustomStringConvertible {
        case noSuchRole
        case unreadable(String)
        case aws(AWSError)

        var description: String {
            switch self {
            case .noSuchRole: "the role does not exist (IAM NoSuchEntity)"
            case .unreadable(let problem): "GetRole's AssumeRolePolicyDocument: \(problem)"
            case .aws(let error): error.description
            }
        }
    }

    let iam: QueryClient
    let metrics: TrustControllerMetrics

    func trustPolicy(of role: IAMRoleARN) throws(ReadError) -> TrustPolicyDocument {
        let answer: XMLElement?
        do {
            answer = try iam.callUnlessMissing("GetRole", [("RoleName", role.roleName)])
            metrics.iamCall(action: "GetRole", result: answer == nil ? "NoSuchEntity" : "success")
        } catch {
            metrics.iamCall(action: "GetRole", result: error.code ?? "error")
            throw .aws(error)
        }
        guard let answer else { throw .noSuchRole }
        guard let encoded = answer.string("Role", "AssumeRolePolicyDocument"), let text = URIEncoding.decode(encoded) else {
            throw .unreadable("missing or not percent-encoded")
        }
        do {
            return try TrustPolicyDocument(text: text)
        } catch {
            throw .unreadable(error.description)
        }
    }

    func write(_ document: TrustPolicyDocument, to role: IAMRoleARN) throws(AWSError) {
        do {
            _ = try iam.call("UpdateAssumeRolePolicy", [("RoleName", role.roleName), ("PolicyDocument", document.text)])
            metrics.iamCall(action: "UpdateAssumeRolePolicy", result: "success")
        } catch {
            metrics.iamCall(action: "UpdateAssumeRolePolicy", result: error.code ?? "error")
            throw error
        }
    }
}
