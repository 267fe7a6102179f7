import ArgumentParser

struct LoadBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'load' benchmark is being built")
    }
}
