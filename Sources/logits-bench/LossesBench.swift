import ArgumentParser
import Foundation
import Logits

/// `logits-bench losses`: ns per element of the fused softmax cross-entropy and sigmoid BCE
/// (forward + backward, mean reduction, through the `TrainingLoss` hot path with a reused
/// gradient buffer) next to one pass of Foundation's `exp` and one pass of the vectorized
/// `VectorMath.exp` (AVX2 where available) over the same number of elements, measured in the same
/// run (median of repeats).
struct LossesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "losses",
        abstract: "Fused loss forward+backward ns/element vs one exp pass (median of repeats).")

    @Flag(help: "Print a JSON array of {\"loss\",\"batch\",\"classes\",\"ns_per_element\",\"exp_ns_per_element\",\"vexp_ns_per_element\"}.")
    var json = false

    @Option(help: "Timed samples per measurement; the median is reported.")
    var repeats = 15

    @Option(help: "Batch size.")
    var batch = 256

    @Option(help: "Comma-separated class/label counts.")
    var classes = "10,101,1000"

    struct Row: Codable {
        let loss: String
        let batch: Int
        let classes: Int
        let ns_per_element: Double
        let exp_ns_per_element: Double
        /// One `VectorMath.exp` pass (the vectorized baseline the issue asks to compare with).
        let vexp_ns_per_element: Double
    }

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
        _ = try classCounts()
    }

    func classCounts() throws -> [Int] {
        let values = classes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("--classes must be positive integers separated by commas, got '\(classes)'")
        }
        return values.compactMap { $0 }
    }

    /// CPU time of the calling thread in ns (robust against other processes on a shared machine;
    /// falls back to the monotonic clock where the thread clock is unavailable).
    static func threadNanoseconds() -> Double {
        var ts = timespec()
        #if os(Linux)
        if clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 { return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec) }
        #endif
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
    }

    /// A measured kernel: `inner` calls per sample, about 2 ms of work.
    struct Timed {
        let name: String
        let body: () throws -> Void
        var inner = 1
        var samples: [Double] = []
    }

    /// Median ns per element of each kernel; the kernels are sampled in turn (interleaved) so
    /// that a change of machine load affects all of them alike.
    func measure(elements: Int, _ kernels: inout [Timed]) throws {
        for k in kernels.indices {
            try kernels[k].body()  // warm up
            var inner = 1
            while true {
                let t0 = Self.threadNanoseconds()
                for _ in 0..<inner { try kernels[k].body() }
                if Self.threadNanoseconds() - t0 > 2e6 || inner >= 1 << 20 { break }
                inner *= 2
            }
            kernels[k].inner = inner
        }
        for _ in 0..<repeats {
            for k in kernels.indices {
                let inner = kernels[k].inner
                let t0 = Self.threadNanoseconds()
                for _ in 0..<inner { try kernels[k].body() }
                kernels[k].samples.append((Self.threadNanoseconds() - t0) / Double(inner * elements))
            }
        }
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? .nan : s[s.count / 2]
    }

    func run() throws {
        var rows: [Row] = []
        var sink: Float = 0
        for c in try classCounts() {
            let n = batch * c
            var seed: UInt64 = 0x1234_5678 &+ UInt64(c)
            func uniform() -> Float {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Float(seed >> 40) / Float(1 << 24)
            }
            let logits = try Matrix(rows: batch, cols: c, storage: (0..<n).map { _ in 8 * uniform() - 4 })
            let indices = (0..<batch).map { _ in Int(uniform() * Float(c)) % c }
            let labels = try Matrix(rows: batch, cols: c, storage: (0..<n).map { _ in uniform() < 0.2 ? 1 : 0 })
            var gradient = Matrix(rows: batch, cols: c)
            var expOut = [Float](repeating: 0, count: n)

            let ce = SoftmaxCrossEntropy()
            let bce = SigmoidBinaryCrossEntropy()
            var kernels = [
                Timed(name: "exp") {
                    logits.withUnsafeBufferPointer { src in
                        expOut.withUnsafeMutableBufferPointer { dst in
                            for k in 0..<n { dst[k] = exp(src[k]) }
                        }
                    }
                    sink += expOut[n - 1]
                },
                Timed(name: "vexp") {
                    logits.withUnsafeBufferPointer { src in
                        expOut.withUnsafeMutableBufferPointer { dst in
                            VectorMath.exp(src.baseAddress!, dst.baseAddress!, count: n)
                        }
                    }
                    sink += expOut[n - 1]
                },
                Timed(name: "softmax-ce") {
                    sink += try ce.lossAndGradient(logits: logits, targets: .classIndices(indices), gradient: &gradient)
                },
                Timed(name: "sigmoid-bce") {
                    sink += try bce.lossAndGradient(logits: logits, targets: .matrix(labels), gradient: &gradient)
                },
            ]
            try measure(elements: n, &kernels)
            let expNs = Self.median(kernels[0].samples)
            let vexpNs = Self.median(kernels[1].samples)
            let ceNs = Self.median(kernels[2].samples)
            let bceNs = Self.median(kernels[3].samples)
            rows.append(Row(loss: "softmax-ce", batch: batch, classes: c, ns_per_element: ceNs, exp_ns_per_element: expNs, vexp_ns_per_element: vexpNs))
            rows.append(Row(loss: "sigmoid-bce", batch: batch, classes: c, ns_per_element: bceNs, exp_ns_per_element: expNs, vexp_ns_per_element: vexpNs))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        } else {
            print("loss          batch  classes  ns/element  exp ns/element  ratio  vexp ns/element  ratio")
            for r in rows {
                print(
                    r.loss.padding(toLength: 12, withPad: " ", startingAt: 0),
                    String(format: "%6d %8d %11.3f %15.3f %6.2fx %16.3f %6.2fx", r.batch, r.classes, r.ns_per_element,
                           r.exp_ns_per_element, r.ns_per_element / r.exp_ns_per_element,
                           r.vexp_ns_per_element, r.ns_per_element / r.vexp_ns_per_element))
            }
            print("(forward + backward, mean reduction, reused gradient buffer; exp = Foundation exp loop; vexp = VectorMath.exp, "
                  + (VectorMath.usesAVX2 ? "AVX2" : "Swift SIMD8") + ";\n thread CPU time, median of \(repeats) interleaved samples)")
        }
        if sink.isNaN { print("") }  // keeps the measured work observable
    }
}
