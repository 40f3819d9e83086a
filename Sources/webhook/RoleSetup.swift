import ArgumentParser
import AWSClient
import AWSCore
import IRSAToolkit
import JSONCore
import TrustPolicyRules

/// An IAM role trusting ServiceAccounts, created or merged into, with its policies: the engine behind
/// `setup role` and `setup kubeflow`.
struct RoleSetup {
    struct ServiceAccount: Equatable {
        let namespace: String
        let name: String
    }

    struct InlinePolicy {
        let name: String
        let document: JSONValue
    }

    let roleName: String
    let issuer: IssuerURL
    let serviceAccounts: [ServiceAccount]
    let audience: String?
    let policyARNs: [String]
    let inlinePolicies: [InlinePolicy]
    /// Written only when the role is created: a role someone else made stays theirs (no teardown deletes it).
    let tags: [(String, String)]
    let trustPolicyQuota: Int

    /// Returns the role's ARN.
    @discardableResult
    func apply(in session: AWSSession, accountID: String) throws -> String {
        let iam = try session.iam()
        let policies = try serviceAccounts.map { account in
            try TrustPolicy(issuer: issuer, accountID: accountID, namespace: account.namespace,
                            subject: .serviceAccount(account.name), audience: audience ?? session.partition.stsAudience,
                            partition: session.partition.rawValue)
        }
        guard let first = policies.first else { throw ValidationError("role \(roleName): no ServiceAccount to trust") }
        let subjects = policies.map(\.subjectClaim).joined(separator: ", ")
        func checked(_ document: JSONValue) throws -> String {
            do {
                return try TrustPolicyCheck.validate(document, providerARN: first.providerARN, quota: trustPolicyQuota)
            } catch {
                throw ValidationError("role \(roleName): \(error)")
            }
        }
        /// Every subject merged into `document`; nil when all were already there.
        func merged(into document: JSONValue, startingAt index: Int) throws -> JSONValue? {
            var current = document
            var changed = false
            for policy in policies[index...] {
                if case .updated(let next) = try TrustPolicyMerge.addSubject(policy.grant, to: current) {
                    current = next
                    changed = true
                }
            }
            return changed ? current : Optional<JSONValue>.none  // not `nil`: JSONValue is nil-literal expressible
        }
        let exists: Bool
        if let role = try iam.callUnlessMissing("GetRole", [("RoleName", roleName)]) {
            exists = true
            guard let encoded = role.string("Role", "AssumeRolePolicyDocument"), let text = URIEncoding.decode(encoded),
                  let current = try? JSON.parse(text) else {
                throw ValidationError("role \(roleName): GetRole answered without a readable AssumeRolePolicyDocument")
            }
            if let document = try merged(into: current, startingAt: 0) {
                try session.write(iam, "UpdateAssumeRolePolicy", [("RoleName", roleName), ("PolicyDocument", try checked(document))],
                                  summary: "role \(roleName) now also trusts \(subjects)")
            } else {
                print("unchanged: role \(roleName) already trusts \(subjects)")
            }
        } else {
            exists = false
            let document = try merged(into: first.document, startingAt: 1) ?? first.document
            try session.write(iam, "CreateRole",
                [("RoleName", roleName), ("AssumeRolePolicyDocument", try checked(document))] + SetupTags.parameters(tags),
                summary: "role \(roleName) trusting \(subjects)")
        }
        // A role a dry run only would create has nothing attached yet: no reads of it.
        let readable = exists || !session.dryRun
        if !policyARNs.isEmpty {
            let attached = !readable ? [] :
                (try iam.call("ListAttachedRolePolicies", [("RoleName", roleName)]).child("AttachedPolicies")?
                    .children(named: "member").compactMap { $0.string("PolicyArn") } ?? [])
            for arn in policyARNs where !attached.contains(arn) {
                try session.write(iam, "AttachRolePolicy", [("RoleName", roleName), ("PolicyArn", arn)], summary: "role \(roleName) policy \(arn)")
            }
            if policyARNs.allSatisfy(attached.contains) { print("unchanged: role \(roleName) has every policy attached") }
        }
        for policy in inlinePolicies {
            let parameters = [("RoleName", roleName), ("PolicyName", policy.name)]
            let current: JSONValue? = !readable ? .none : try iam.callUnlessMissing("GetRolePolicy", parameters)
                .flatMap { $0.string("PolicyDocument") }.flatMap(URIEncoding.decode).flatMap { try? JSON.parse($0) }
            if current == policy.document {
                print("unchanged: role \(roleName) inline policy \(policy.name)")
            } else {
                try session.write(iam, "PutRolePolicy", parameters + [("PolicyDocument", JSON.serializePretty(policy.document))],
                                  summary: "role \(roleName) inline policy \(policy.name)")
            }
        }
        return "arn:\(session.partition.rawValue):iam::\(accountID):role/\(roleName)"
    }
}
