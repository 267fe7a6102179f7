import ArgumentParser

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'train' is being built")
    }
}
