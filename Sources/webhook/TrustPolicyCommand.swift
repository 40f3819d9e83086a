import ArgumentParser

struct TrustPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trust-policy", abstract: "IAM role trust policy for a ServiceAccount.")
    func run() throws { throw ValidationError("trust-policy: not yet implemented") }
}
