import ArgumentParser

struct MutateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mutate", abstract: "Mutate a Pod or AdmissionReview offline.")
    func run() throws { throw ValidationError("mutate: not yet implemented") }
}
