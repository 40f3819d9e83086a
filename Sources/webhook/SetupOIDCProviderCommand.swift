import ArgumentParser
import IRSAToolkit

struct SetupOIDCProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc-provider",
        abstract: "Create the cluster's IAM OIDC identity provider, or bring an existing one's client IDs and thumbprints up to date.")

    @Option(help: ArgumentHelp("The cluster's OIDC issuer URL (kube-apiserver --service-account-issuer).", valueName: "url"))
    var issuer: String

    @Option(name: .customLong("client-id"), help: ArgumentHelp("An audience the provider accepts (default: sts.amazonaws.com, .com.cn in aws-cn). Repeatable.", valueName: "id"))
    var clientIDs: [String] = []

    @OptionGroup var thumbprint: ThumbprintOptions
    @OptionGroup var aws: AWSOptions

    func run() throws {
        let session = try aws.session()
        try OIDCProviderSetup(issuer: IssuerURL(validating: issuer), clientIDs: clientIDs, thumbprints: thumbprint.choice,
                              tags: [SetupTags.managedBy]).apply(in: session, accountID: session.accountID())
    }
}

/// `--thumbprint HEX|auto`, shared by every command that sets up the provider.
struct ThumbprintOptions: ParsableArguments {
    @Option(name: .customLong("thumbprint"), help: ArgumentHelp("SHA-1 of the issuer's top CA certificate, 40 hex digits, repeatable; or auto (the default): what `webhook oidc thumbprint` computes from the chain the issuer's host serves, verified against the system trust store.", valueName: "hex|auto"))
    var thumbprints: [String] = []

    func validate() throws {
        guard thumbprints != ["auto"] else { return }
        for print in thumbprints where print.count != 40 || !print.allSatisfy(\.isHexDigit) {
            throw ValidationError("--thumbprint '\(print)': expected 40 hexadecimal digits (a SHA-1 fingerprint) or auto, alone")
        }
        guard thumbprints.count <= 5 else { throw ValidationError("--thumbprint: IAM accepts at most 5 thumbprints") }
    }

    var choice: OIDCProviderSetup.Thumbprints { thumbprints.isEmpty || thumbprints == ["auto"] ? .auto : .given(thumbprints) }
}
