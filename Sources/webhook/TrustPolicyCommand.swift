import ArgumentParser
import IRSAToolkit
import JSONCore

struct TrustPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-policy",
        abstract: "Print the IAM role trust policy for a ServiceAccount (or a whole namespace).",
        discussion: """
            Use it as the role's trust relationship: aws iam create-role --role-name NAME \
            --assume-role-policy-document "$(webhook trust-policy ...)"
            """)

    @Option(help: ArgumentHelp("The cluster's OIDC issuer URL (kube-apiserver --service-account-issuer).", valueName: "url"))
    var issuer: String

    @Option(help: ArgumentHelp("The 12-digit AWS account that owns the OIDC provider.", valueName: "id"))
    var accountId: String

    @Option(help: ArgumentHelp("The ServiceAccount's namespace.", valueName: "namespace"))
    var namespace: String

    @Option(help: ArgumentHelp("The ServiceAccount's name.", valueName: "name"))
    var serviceAccount: String?

    @Flag(inversion: .prefixedNo, help: "Trust every ServiceAccount of the namespace (StringLike system:serviceaccount:<ns>:*).")
    var allServiceAccounts = false

    @Option(help: ArgumentHelp("The token audience, equal to the OIDC provider's client ID.", valueName: "audience"))
    var audience = "sts.amazonaws.com"

    @Option(help: ArgumentHelp("The AWS partition (aws, aws-cn, aws-us-gov).", valueName: "partition"))
    var partition = "aws"

    func validate() throws {
        switch (serviceAccount, allServiceAccounts) {
        case (nil, false): throw ValidationError("give --service-account NAME or --all-service-accounts")
        case (.some, true): throw ValidationError("give either --service-account or --all-service-accounts, not both")
        default: break
        }
    }

    func run() throws {
        let policy = try TrustPolicy(
            issuer: IssuerURL(validating: issuer),
            accountID: accountId,
            namespace: namespace,
            subject: serviceAccount.map { .serviceAccount($0) } ?? .allServiceAccounts,
            audience: audience,
            partition: partition)
        print(JSON.serializePretty(policy.document), terminator: "")
    }
}
