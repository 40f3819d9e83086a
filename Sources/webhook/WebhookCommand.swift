import ArgumentParser

@main
struct WebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Mutating admission webhook that gives pods an AWS IAM identity (IRSA), and the tools to set IRSA up.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, MutateCommand.self, OIDCCommand.self, TrustPolicyCommand.self, SetupCommand.self, TrustControllerCommand.self, AWSSignCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Upstream's flags are Go flags: `--in-cluster=false` must keep working in existing container args.
    static func main() {
        let arguments = GoStyleArguments.normalize(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
