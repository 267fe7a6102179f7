import ArgumentParser

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'metrics' is being built")
    }
}
