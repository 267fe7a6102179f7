import ArgumentParser
import Logits

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print version, GEMM backend, threads and CPU features.")

    func run() throws {
        print("Logits \(LogitsLibrary.version)")
        print("GEMM backend: \(Gemm.shared.name)")
    }
}
