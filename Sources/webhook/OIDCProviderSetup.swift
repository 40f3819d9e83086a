import ArgumentParser
import AWSClient
import AWSCore
import IRSAToolkit

/// The IAM OIDC provider for an issuer, created or brought up to date: the engine behind
/// `setup oidc-provider` and `setup kubeflow`.
struct OIDCProviderSetup {
    enum Thumbprints {
        /// From the chain the issuer's host serves (`IssuerThumbprint`).
        case auto
        case given([String])
    }

    let issuer: IssuerURL
    /// Empty: the partition's STS audience.
    let clientIDs: [String]
    let thumbprints: Thumbprints
    /// Written only when the provider is created.
    let tags: [(String, String)]

    static func arn(of issuer: IssuerURL, accountID: String, partition: AWSPartition) -> String {
        "arn:\(partition.rawValue):iam::\(accountID):oidc-provider/\(issuer.withoutScheme)"
    }

    /// Returns the provider's ARN.
    @discardableResult
    func apply(in session: AWSSession, accountID: String) throws -> String {
        let iam = try session.iam()
        let arn = Self.arn(of: issuer, accountID: accountID, partition: session.partition)
        let wantedClients = clientIDs.isEmpty ? [session.partition.stsAudience] : clientIDs
        let wantedPrints: [String]
        switch thumbprints {
        case .given(let prints):
            wantedPrints = prints.map { $0.lowercased() }
        case .auto:
            let thumbprint = try IssuerThumbprint.fetch(for: issuer)
            print("thumbprint: \(thumbprint.hex) (auto: \(thumbprint.subject), top of the \(thumbprint.certificateCount)-certificate chain the issuer serves)")
            wantedPrints = [thumbprint.hex]
        }
        guard let existing = try iam.callUnlessMissing("GetOpenIDConnectProvider", [("OpenIDConnectProviderArn", arn)]) else {
            try session.write(iam, "CreateOpenIDConnectProvider",
                [("Url", issuer.description)] + QueryClient.list("ClientIDList", wantedClients)
                    + QueryClient.list("ThumbprintList", wantedPrints) + SetupTags.parameters(tags),
                summary: "\(arn) (client ids \(wantedClients.joined(separator: ", ")))")
            return arn
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
        return arn
    }
}
