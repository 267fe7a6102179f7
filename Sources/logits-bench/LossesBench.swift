import ArgumentParser

struct LossesBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "losses", abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'losses' benchmark is being built")
    }
}
