import ArgumentParser
import AWSClient
import AWSCore
import IRSAToolkit

struct SetupOIDCProviderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc-provider",
        abstract: "Create the cluster's IAM OIDC identity provider, or bring an existing one's client IDs and thumbprints up to date.")

    @Option(help: ArgumentHelp("The cluster's OIDC issuer URL (kube-apiserver --service-account-issuer).", valueName: "url"))
    var issuer: String

    @Option(name: .customLong("client-id"), help: ArgumentHelp("An audience the provider accepts (default: sts.amazonaws.com, .com.cn in aws-cn). Repeatable.", valueName: "id"))
    var clientIDs: [String] = []

    @Option(name: .customLong("thumbprint"), help: ArgumentHelp("SHA-1 of the issuer's top CA certificate, 40 hex digits (`webhook oidc thumbprint`). Repeatable; none given: IAM takes the CA from the issuer's TLS chain itself.", valueName: "hex"))
    var thumbprints: [String] = []

    @OptionGroup var aws: AWSOptions

    func validate() throws {
        for print in thumbprints where print.count != 40 || !print.allSatisfy(\.isHexDigit) {
            throw ValidationError("--thumbprint '\(print)': expected 40 hexadecimal digits (a SHA-1 fingerprint)")
        }
        guard thumbprints.count <= 5 else { throw ValidationError("--thumbprint: IAM accepts at most 5 thumbprints") }
    }

    func run() throws {
        let issuerURL = try IssuerURL(validating: issuer)
        let session = try aws.session()
        let iam = try session.iam()
        let arn = "arn:\(session.partition.rawValue):iam::\(try session.accountID()):oidc-provider/\(issuerURL.withoutScheme)"
        let wantedClients = clientIDs.isEmpty ? [session.partition.stsAudience] : clientIDs
        let wantedPrints = thumbprints.map { $0.lowercased() }
        guard let existing = try iam.callUnlessMissing("GetOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn)]) else {
            try session.write(iam, "CreateOpenIDConnectProvider",
                [("Url", issuerURL.description)] + QueryClient.list("ClientIDList", wantedClients)
                    + QueryClient.list("ThumbprintList", wantedPrints) + SetupTags.parameters([SetupTags.managedBy]),
                summary: "\(arn) (client ids \(wantedClients.joined(separator: ", ")))")
            return
        }
        var changed = false
        let clients = existing.child("ClientIDList")?.children(named: "member").map(\.text) ?? []
        for client in wantedClients where !clients.contains(client) {
            try session.write(iam, "AddClientIDToOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn), ("ClientID", client)],
                              summary: "\(arn) client id \(client)")
            changed = true
        }
        let prints = existing.child("ThumbprintList")?.children(named: "member").map { $0.text.lowercased() } ?? []
        if !wantedPrints.isEmpty && Set(prints) != Set(wantedPrints) {
            try session.write(iam, "UpdateOpenIDConnectProviderThumbprint",
                              [("OpenIDConnectProviderArn", arn)] + QueryClient.list("ThumbprintList", wantedPrints),
                              summary: "\(arn) thumbprints \(wantedPrints.joined(separator: ", "))")
            changed = true
        }
        if !changed { print("unchanged: \(arn) already has client ids \(wantedClients.joined(separator: ", "))\(wantedPrints.isEmpty ? "" : " and the thumbprints")") }
    }
}
