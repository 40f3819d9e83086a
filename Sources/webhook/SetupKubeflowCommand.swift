import ArgumentParser
import AWSClient
import AWSCore
import FileSystem
import IRSAToolkit
import JSONCore
import TrustPolicyRules

/// kfctl's `enablePodIamPolicy` for any cluster: the provider, the admin and user roles trusting Kubeflow's
/// ServiceAccounts, tagged with the cluster, and the admin's inline policies; `--teardown` undoes exactly that.
struct SetupKubeflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubeflow",
        abstract: "Create (or with --teardown delete) what kfctl created for Kubeflow: the OIDC provider and the kf-admin and kf-user roles.")

    enum RoleNaming: String, ExpressibleByArgument, CaseIterable {
        /// `kf-admin-<cluster>`: the seed page's names.
        case v1_0 = "v1.0"
        /// `kf-admin-<region>-<cluster>`: kfctl 1.1's (kubeflow/kfctl#359).
        case v1_1 = "v1.1"
    }

    static let namespace = "kubeflow"
    static let adminServiceAccounts = ["kf-admin", "alb-ingress-controller", "profiles-controller-service-account", "fluentd"]
    static let userServiceAccounts = ["kf-user"]
    static let clusterTag = "kubeflow/cluster-name"

    @Option(help: ArgumentHelp("The cluster's name, in the role names and the kubeflow/cluster-name tag.", valueName: "name"))
    var clusterName: String
    @Option(help: ArgumentHelp("The cluster's OIDC issuer URL.", valueName: "url")) var issuer: String
    @Option(help: ArgumentHelp("Role names as kfctl v1.0 (kf-admin-C) or v1.1 (kf-admin-<region>-C) made them.", valueName: "version"))
    var roleNames: RoleNaming = .v1_0
    @Option(name: .customLong("admin-policy"), help: ArgumentHelp("A JSON policy file put inline on the admin role, named after the file (without .json). Repeatable.", valueName: "file"))
    var adminPolicies: [String] = []
    @Flag(help: "Delete the roles and the provider this command created (found by their tags); anything else is kept.")
    var teardown = false
    @Option(help: ArgumentHelp("IAM's trust-policy length quota for the account, in characters without whitespace.", valueName: "n"))
    var trustPolicyQuota = TrustPolicyCheck.defaultQuota

    @Option(help: ArgumentHelp("The kubeconfig for the ServiceAccount annotations (default: in-cluster, else $KUBECONFIG, else ~/.kube/config; none: skipped).", valueName: "file"))
    var kubeconfig: String?

    @OptionGroup var thumbprint: ThumbprintOptions
    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard !clusterName.isEmpty, clusterName.count <= 64, clusterName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@_-".contains($0)) }) else {
            throw ValidationError("--cluster-name '\(clusterName)': expected 1 to 64 of A-Z a-z 0-9 +=,.@_- (it becomes part of IAM role names)")
        }
        if teardown && !adminPolicies.isEmpty { throw ValidationError("--admin-policy: not with --teardown (the teardown deletes every inline policy of the roles it created)") }
    }

    func run() throws {
        let issuerURL = try IssuerURL(validating: issuer)
        let session = try aws.session()
        let names = try roleNamesFor(region: session.resolver.region)
        let tags = [SetupTags.managedBy, (Self.clusterTag, clusterName)]
        let accountID = try session.accountID()
        if teardown {
            try KubeflowTeardown(session: session, tags: tags).run(roles: [names.admin, names.user],
                providerARN: OIDCProviderSetup.arn(of: issuerURL, accountID: accountID, partition: session.partition))
            return
        }
        let policies = try adminPolicies.map(Self.inlinePolicy(from:))
        try OIDCProviderSetup(issuer: issuerURL, clientIDs: [], thumbprints: thumbprint.choice, tags: tags)
            .apply(in: session, accountID: accountID)
        var annotations: [(account: String, roleARN: String)] = []
        for (roleName, accounts, inline) in [(names.admin, Self.adminServiceAccounts, policies), (names.user, Self.userServiceAccounts, [])] {
            let arn = try RoleSetup(roleName: roleName, issuer: issuerURL,
                                    serviceAccounts: accounts.map { .init(namespace: Self.namespace, name: $0) }, audience: nil,
                                    policyARNs: [], inlinePolicies: inline, tags: tags, trustPolicyQuota: trustPolicyQuota)
                .apply(in: session, accountID: accountID)
            annotations += accounts.map { ($0, arn) }
        }
        annotateServiceAccounts(annotations, dryRun: session.dryRun)
    }

    /// The annotations when a cluster is reachable; otherwise the kubectl commands that would set them.
    func annotateServiceAccounts(_ annotations: [(account: String, roleARN: String)], dryRun: Bool) {
        var remaining = annotations[...]
        do {
            let annotation = try ServiceAccountAnnotation.connect(kubeconfig: kubeconfig, dryRun: dryRun)
            while let (account, arn) = remaining.first {
                if try annotation.apply(namespace: Self.namespace, name: account, roleARN: arn) == .missing {
                    print("skipped: ServiceAccount \(Self.namespace)/\(account) does not exist (Kubeflow's manifests create it); annotate it once it does")
                }
                remaining = remaining.dropFirst()
            }
            return
        } catch {
            print("skipped: ServiceAccount annotations (no cluster reachable: \(error)); run:")
        }
        for (account, arn) in remaining {
            print("  kubectl -n \(Self.namespace) annotate --overwrite serviceaccount \(account) \(ServiceAccountAnnotation.key)=\(arn)")
        }
    }

    func roleNamesFor(region: String?) throws -> (admin: String, user: String) {
        switch roleNames {
        case .v1_0:
            return ("kf-admin-\(clusterName)", "kf-user-\(clusterName)")
        case .v1_1:
            guard let region else { throw ValidationError("--role-names v1.1: the names hold the region; set --region or AWS_REGION") }
            return ("kf-admin-\(region)-\(clusterName)", "kf-user-\(region)-\(clusterName)")
        }
    }

    /// A policy file: JSON with a Statement, named after the file as kfctl named `iam_alb_ingress_policy.json`'s policy.
    static func inlinePolicy(from path: String) throws -> RoleSetup.InlinePolicy {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        let name = fileName.hasSuffix(".json") ? String(fileName.dropLast(5)) : fileName
        guard !name.isEmpty, name.count <= 128, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+=,.@_-".contains($0)) }) else {
            throw ValidationError("--admin-policy \(path): the policy is named after the file, and '\(name)' is not an IAM policy name (1 to 128 of A-Z a-z 0-9 +=,.@_-)")
        }
        let document: JSONValue
        do {
            document = try JSON.parse(String(decoding: try FileSystem.read(path, maxBytes: 1 << 20), as: UTF8.self))
        } catch {
            throw ValidationError("--admin-policy \(path): \(error)")
        }
        guard document["Statement"] != nil else { throw ValidationError("--admin-policy \(path): not an IAM policy (no Statement)") }
        return RoleSetup.InlinePolicy(name: name, document: document)
    }
}
