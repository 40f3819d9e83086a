import ArgumentParser

struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Create the AWS side of IRSA idempotently: the IAM OIDC provider, roles trusting ServiceAccounts, Kubeflow's roles.",
        subcommands: [SetupOIDCProviderCommand.self, SetupIssuerCommand.self, SetupRoleCommand.self, SetupKubeflowCommand.self])
}

/// Tags on everything `setup` creates, so a teardown deletes only what it made.
enum SetupTags {
    static let managedBy = ("managed-by", "pod-identity-webhook")

    static func parameters(_ tags: [(String, String)]) -> [(String, String)] {
        tags.enumerated().flatMap { [("Tags.member.\($0.offset + 1).Key", $0.element.0), ("Tags.member.\($0.offset + 1).Value", $0.element.1)] }
    }
}
