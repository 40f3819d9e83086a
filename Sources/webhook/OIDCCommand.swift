import ArgumentParser

struct OIDCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "oidc", abstract: "OIDC discovery, JWKS and thumbprints for a self-managed cluster.")
    func run() throws { throw ValidationError("oidc: not yet implemented") }
}
