import ArgumentParser
import IRSAToolkit
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

    @Flag(help: "Also set eks.amazonaws.com/role-arn on the ServiceAccount through the Kubernetes API (merge PATCH).")
    var annotate = false
    @Option(help: ArgumentHelp("The kubeconfig for --annotate (default: in-cluster, else $KUBECONFIG, else ~/.kube/config).", valueName: "file"))
    var kubeconfig: String?

    @OptionGroup var aws: AWSOptions

    func run() throws {
        let session = try aws.session()
        let roleARN = try RoleSetup(roleName: roleName, issuer: IssuerURL(validating: issuer),
                      serviceAccounts: [.init(namespace: namespace, name: serviceAccount)], audience: audience,
                      policyARNs: policyARNs, inlinePolicies: [], tags: [SetupTags.managedBy], trustPolicyQuota: trustPolicyQuota)
            .apply(in: session, accountID: session.accountID())
        guard annotate else { return }
        let annotation = try ServiceAccountAnnotation.connect(kubeconfig: kubeconfig, dryRun: aws.dryRun)
        if try annotation.apply(namespace: namespace, name: serviceAccount, roleARN: roleARN) == .missing {
            throw ValidationError("--annotate: ServiceAccount \(namespace)/\(serviceAccount) does not exist in \(annotation.client.configuration.server)")
        }
    }
}
