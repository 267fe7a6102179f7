import ArgumentParser

struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'predict' is being built")
    }
}
