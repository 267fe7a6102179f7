import ArgumentParser
import Foundation
import Logits

/// `logits-bench optimizer`: microseconds per AdamW step on one parameter tensor of each size,
/// per thread count (the update splits large tensors across the worker
/// pool from `2^19` elements). Median of repeats, steps measured back to back as in training.
struct OptimizerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizer",
        abstract: "AdamW step time per tensor size and thread count (median of repeats).")

    @Option(help: "Comma-separated tensor sizes (elements).") var sizes = "131072,401408,940032"
    @Option(help: "Comma-separated thread counts.") var threads = "1,2"
    @Option(help: "Timed steps per size and thread count; the median is reported.") var repeats = 200
    @Flag(help: "Print JSON rows {\"elements\",\"threads\",\"microseconds\",\"ns_per_element\"}.") var json = false

    struct Row: Codable { let elements: Int, threads: Int, microseconds: Double, ns_per_element: Double }

    static func list(_ text: String, _ flag: String) throws -> [Int] {
        let v = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !v.isEmpty, v.allSatisfy({ ($0 ?? 0) >= 1 }) else { throw ValidationError("\(flag) must be positive integers separated by commas, got '\(text)'") }
        return v.compactMap { $0 }
    }

    func validate() throws {
        _ = try Self.list(sizes, "--sizes")
        _ = try Self.list(threads, "--threads")
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    }

    func run() throws {
        var rows: [Row] = []
        for n in try Self.list(sizes, "--sizes") {
            var rng = SeededGenerator(seed: 1)
            var value = Matrix(rows: 1, cols: n)
            for i in 0..<n { value.storage[i] = Float.random(in: -0.1...0.1, using: &rng) }
            let p = Parameter(name: "w", value: value, isVector: false)
            for i in 0..<n { p.gradient.storage[i] = Float.random(in: -1e-3...1e-3, using: &rng) }
            for t in try Self.list(threads, "--threads") {
                Threading.threadCount = t
                let adam = try OptimizerConfig.adamW(weightDecay: 0.01).makeOptimizer()
                for _ in 0..<10 { adam.step([p], learningRate: 1e-3) }  // warm up
                var us: [Double] = []
                for _ in 0..<repeats {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    adam.step([p], learningRate: 1e-3)
                    us.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e3)
                }
                us.sort()
                let m = us[us.count / 2]
                rows.append(Row(elements: n, threads: t, microseconds: m, ns_per_element: m * 1e3 / Double(n)))
            }
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try enc.encode(rows), as: UTF8.self))
            return
        }
        for r in rows {
            print(String(format: "AdamW %9d elements, %d thread(s): %8.1f us/step  %.3f ns/element", r.elements, r.threads, r.microseconds, r.ns_per_element))
        }
    }
}
