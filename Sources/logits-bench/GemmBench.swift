import ArgumentParser

struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gemm", abstract: "(in progress)")

    func run() throws {
        throw ValidationError("'gemm' benchmark is being built")
    }
}
