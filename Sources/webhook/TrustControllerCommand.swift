import ArgumentParser
import AWSClient
import Glibc
import KubernetesClient
import Logging
import TrustController
import TrustPolicyRules
import TrustReconciliation
import WebhookService

struct TrustControllerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-controller",
        abstract: "Keep IAM roles' trust policies in step with Kubeflow Profiles and annotated ServiceAccounts (only --allowed-roles are ever written).")

    @Option(help: ArgumentHelp("The cluster's OIDC issuer URL; roles must trust its IAM OIDC provider.", valueName: "url"))
    var issuer: String

    @Option(name: .customLong("allowed-roles"), parsing: .singleValue,
            help: ArgumentHelp("A role ARN glob the controller may write trust into; {namespace} stands for the subject's namespace. Repeatable; comma-separated lists accepted. Required.", valueName: "pattern"))
    var allowedRoles: [String] = []

    @Flag(help: "Trust `<profile>:default-editor` in the role of each Kubeflow Profile's AwsIamForServiceAccount plugin.")
    var kubeflowProfiles = false

    @Flag(help: "Trust ServiceAccounts annotated <prefix>/role-arn and <prefix>/manage-trust: \"true\".")
    var annotatedServiceAccounts = false

    @Option(help: ArgumentHelp("Label selector of the namespaces whose annotated ServiceAccounts are trusted (default: every namespace).", valueName: "selector"))
    var namespaceSelector = ""

    @Option(help: "How often IAM is re-read to repair drift (hand edits), even when nothing changed in the cluster.")
    var resyncPeriod = GoDuration(.seconds(300))

    @Option(help: ArgumentHelp("IAM's trust-policy length quota, in characters without whitespace.", valueName: "n"))
    var trustPolicyQuota = TrustPolicyCheck.defaultQuota

    @Option(name: .customLong("compact-namespace-prefix"),
            help: ArgumentHelp("Write the subjects of namespaces starting with PREFIX as one StringLike pattern, which trusts every such namespace. Repeatable.", valueName: "prefix"))
    var compactNamespacePrefixes: [String] = []

    @Option(help: "Namespace of the leader-election Lease.")
    var namespace = "kube-system"

    @Option(help: "Plain-HTTP port for /metrics, /healthz, /readyz.")
    var metricsPort = 9999

    @Option(help: "Address the metrics listener binds to.")
    var bindAddress = "0.0.0.0"

    @Option(help: "Kubeconfig for running outside the cluster (default: kubectl's choice: in-cluster, else $KUBECONFIG, else ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "Annotation prefix of the role annotations.")
    var annotationPrefix = "eks.amazonaws.com"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Log format: text or json (one object per line).")
    var logFormat = LogFormat.text

    @OptionGroup var aws: AWSOptions

    func validate() throws {
        guard !allowedRoles.isEmpty else { throw ValidationError("--allowed-roles is required: the controller writes trust only into roles it matches") }
        guard annotatedServiceAccounts || kubeflowProfiles else {
            throw ValidationError("nothing to do: give --kubeflow-profiles, --annotated-service-accounts, or both")
        }
        guard !aws.dryRun else { throw ValidationError("--dry-run is for the setup commands; the controller has no dry run") }
        guard resyncPeriod.duration >= .milliseconds(100) else { throw ValidationError("--resync-period must be at least 100ms") }
        guard trustPolicyQuota > 0 else { throw ValidationError("--trust-policy-quota must be positive") }
    }

    func run() throws {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level \(logLevel): use one of trace, debug, info, notice, warning, error, critical")
        }
        let signals = SignalWaiter()  // before any thread starts, so every thread inherits the mask
        let logWriter = LoggingSetup.bootstrap(format: logFormat, level: level)
        // Every line logged reaches standard error before the exit, also when starting fails.
        defer { logWriter.finish(timeout: .seconds(5)) }
        let patterns = try allowedRoles.flatMap { $0.split(separator: ",") }.map { text throws(ValidationError) in
            do { return try RolePattern(String(text)) } catch { throw ValidationError("\(error)") }
        }
        for prefix in compactNamespacePrefixes {
            do { try TrustRules.checkCompactPrefix(prefix) } catch { throw ValidationError("\(error)") }
        }
        let selector: LabelSelector
        do { selector = try LabelSelector(parsing: namespaceSelector) } catch { throw ValidationError("--namespace-selector: \(error)") }

        let environment = ProcessEnvironment.all
        let selection = try KubernetesClientConfiguration.select(kubeconfig: kubeconfig, apiServer: nil, environment: environment)
        let kubernetes = try KubernetesAPIClient(configuration: selection.configuration)

        let session = try aws.session()
        let identity = try session.sts().call("GetCallerIdentity", [])
        guard let account = identity.string("Account"), let arn = identity.string("Arn") else {
            throw ValidationError("STS GetCallerIdentity answered without an Account and Arn")
        }
        let caller: CallerAccount
        let rules: TrustRules
        do {
            caller = try CallerAccount(callerARN: arn, account: account)
            rules = try TrustRules(allowedRoles: patterns, caller: caller, compactNamespacePrefixes: compactNamespacePrefixes)
        } catch {
            throw ValidationError("\(error)")
        }
        Logger(label: "trust-controller").notice("caller identity", metadata: [
            "arn": "\(arn)", "account": "\(account)", "credentials": "\(session.credentialSource)",
        ])
        var hostname = [CChar](repeating: 0, count: 256)
        gethostname(&hostname, hostname.count - 1)
        let holder = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? String(decoding: hostname.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let configuration = TrustControllerConfiguration(
            issuer: issuer, kubeflowProfiles: kubeflowProfiles,
            annotatedServiceAccounts: annotatedServiceAccounts, namespaceSelector: selector,
            resyncPeriod: resyncPeriod.duration, trustPolicyQuota: trustPolicyQuota,
            namespace: namespace, bindAddress: bindAddress,
            metricsPort: metricsPort, annotationPrefix: annotationPrefix, audience: session.partition.stsAudience,
            identity: holder)
        let controller = TrustController(configuration: configuration, kubernetes: kubernetes, iam: try session.iam(), rules: rules)
        let code = try controller.run(signals: signals)
        if code != 0 { throw ExitCode(code) }
    }
}
