import ArgumentParser

struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'train' benchmark is being built")
    }
}
