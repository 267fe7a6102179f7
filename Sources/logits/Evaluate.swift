import ArgumentParser

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'evaluate' is being built")
    }
}
