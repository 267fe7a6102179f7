import ArgumentParser

struct MetricsBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "metrics", abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'metrics' benchmark is being built")
    }
}
