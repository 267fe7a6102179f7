import ArgumentParser
import Logits

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print version, GEMM backend, threads and CPU features.")

    func run() throws {
        // A backend forced by LOGITS_BACKEND that cannot be used is a one-line error.
        let selection = try Gemm.selection.get()
        var lines: [String] = []
        func print(_ line: String) { lines.append(line) }
        print("Logits \(LogitsLibrary.version)")
        let backend = selection.backend
        if let cblas = backend as? CBLASGemm {
            print("GEMM backend: \(backend.name) (\(cblas.libraryPath))")
        } else {
            print("GEMM backend: \(backend.name)")
        }
        print("  chosen: \(selection.reason)")
        let kernel = (backend as? SwiftGemm)?.kernel ?? SwiftGemm().kernel
        print("  swift micro-kernel: \(kernel.rawValue) (this CPU runs: "
              + SwiftGemm.supportedKernels.map(\.rawValue).joined(separator: ", ") + ")")
        for note in selection.skipped { print("  skipped: \(note)") }
        print("  available: " + Gemm.availableBackends().map(\.name).joined(separator: ", "))
        var threads = "Threads: \(Threading.threadCount) (active processors: \(Threading.activeProcessorCount))"
        if let cblas = backend as? CBLASGemm, let own = cblas.libraryThreads { threads += "; \(cblas.name) reports \(own)" }
        print(threads)
        if let problem = Threading.environmentProblem() { print("  note: \(problem)") }
        print("CPU features: " + (CPUFeatures.detected()?.joined(separator: " ") ?? "unknown"))
        try StandardOutput.write(lines.joined(separator: "\n") + "\n")
    }
}
