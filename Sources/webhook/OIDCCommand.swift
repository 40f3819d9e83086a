import ArgumentParser

/// What a self-managed cluster publishes as its OIDC issuer, and what IAM needs to trust it.
struct OIDCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oidc",
        abstract: "OIDC discovery, JWKS and thumbprints for a self-managed cluster.",
        subcommands: [JWKS.self, Discovery.self, Thumbprint.self])
}
