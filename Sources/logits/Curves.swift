import ArgumentParser

struct Curves: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'curves' is being built")
    }
}
