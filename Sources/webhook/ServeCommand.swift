import ArgumentParser

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the admission webhook (the default).")
    func run() throws { throw ValidationError("serve: not yet implemented") }
}
