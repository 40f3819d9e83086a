import ArgumentParser
import AWSClient
import AWSCore
import IRSAToolkit
import JSONCore
import TrustPolicyRules

struct SetupRoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "Create an IAM role trusting a ServiceAccount, or merge the ServiceAccount into an existing role's trust policy; attach policies.")

    @Option(help: ArgumentHelp("The IAM role's name.", valueName: "name")) var roleName: String
    @Option(help: ArgumentHelp("The cluster's OIDC issuer URL.", valueName: "url")) var issuer: String
    @Option(help: ArgumentHelp("The ServiceAccount's namespace.", valueName: "namespace")) var namespace: String
    @Option(help: ArgumentHelp("The ServiceAccount's name.", valueName: "name")) var serviceAccount: String
    @Option(help: ArgumentHelp("The token audience (default: the partition's STS audience).", valueName: "audience")) var audience: String?
    @Option(name: .customLong("policy-arn"), help: ArgumentHelp("A managed policy to attach. Repeatable.", valueName: "arn"))
    var policyARNs: [String] = []
    @Option(help: ArgumentHelp("IAM's trust-policy length quota for the account, in characters without whitespace.", valueName: "n"))
    var trustPolicyQuota = TrustPolicyCheck.defaultQuota

    @OptionGroup var aws: AWSOptions

    func run() throws {
        let session = try aws.session()
        let iam = try session.iam()
        let policy = try TrustPolicy(issuer: IssuerURL(validating: issuer), accountID: try session.accountID(), namespace: namespace,
                                     subject: .serviceAccount(serviceAccount), audience: audience ?? session.partition.stsAudience,
                                     partition: session.partition.rawValue)
        func checked(_ document: JSONValue) throws -> String {
            do {
                return try TrustPolicyCheck.validate(document, providerARN: policy.providerARN, quota: trustPolicyQuota)
            } catch {
                throw ValidationError("role \(roleName): \(error)")
            }
        }
        if let role = try iam.callUnlessMissing("GetRole", [("RoleName", roleName)]) {
            guard let encoded = role.string("Role", "AssumeRolePolicyDocument"), let text = URIEncoding.decode(encoded),
                  let current = try? JSON.parse(text) else {
                throw ValidationError("role \(roleName): GetRole answered without a readable AssumeRolePolicyDocument")
            }
            switch try TrustPolicyMerge.addSubject(policy.grant, to: current) {
            case .unchanged:
                print("unchanged: role \(roleName) already trusts \(policy.subjectClaim)")
            case .updated(let merged):
                try session.write(iam, "UpdateAssumeRolePolicy", [("RoleName", roleName), ("PolicyDocument", try checked(merged))],
                                  summary: "role \(roleName) now also trusts \(policy.subjectClaim)")
            }
        } else {
            try session.write(iam, "CreateRole",
                [("RoleName", roleName), ("AssumeRolePolicyDocument", try checked(policy.document))] + SetupTags.parameters([SetupTags.managedBy]),
                summary: "role \(roleName) trusting \(policy.subjectClaim)")
        }
        guard !policyARNs.isEmpty else { return }
        let attached = try iam.callUnlessMissing("GetRole", [("RoleName", roleName)]) == nil ? [] :
            (try iam.call("ListAttachedRolePolicies", [("RoleName", roleName)]).child("AttachedPolicies")?
                .children(named: "member").compactMap { $0.string("PolicyArn") } ?? [])
        for arn in policyARNs where !attached.contains(arn) {
            try session.write(iam, "AttachRolePolicy", [("RoleName", roleName), ("PolicyArn", arn)], summary: "role \(roleName) policy \(arn)")
        }
        if policyARNs.allSatisfy(attached.contains) { print("unchanged: role \(roleName) has every policy attached") }
    }
}
