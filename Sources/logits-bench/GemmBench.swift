import ArgumentParser
import CBenchBLAS
import Foundation
import Logits

/// `logits-bench gemm`: GFLOP/s of every available GEMM backend, plus OpenBLAS's `cblas_sgemm`
/// called directly from C ("openblas-c-direct") as the baseline for the OpenBLAS backend, and
/// "default": the backend `Gemm.shared` chose by measurement at first use (its reason is in each row).
/// Random row-major operands of one shape (A: m x k, or k x m with `transA`; B: k x n, or n x k
/// with `transB`; C: m x n), shared by the backends.
final class Operands {
    let m: Int, n: Int, k: Int
    let transA: Transpose, transB: Transpose
    let a: UnsafeMutablePointer<Float>
    let b: UnsafeMutablePointer<Float>
    let c: UnsafeMutablePointer<Float>

    init(m: Int, n: Int, k: Int, transA: Transpose = .none, transB: Transpose = .none) {
        self.m = m; self.n = n; self.k = k
        self.transA = transA; self.transB = transB
        a = .allocate(capacity: m * k)
        b = .allocate(capacity: k * n)
        c = .allocate(capacity: m * n)
        var state: UInt32 = 12345
        for (p, count) in [(a, m * k), (b, k * n), (c, m * n)] {
            for i in 0..<count {
                state = state &* 1664525 &+ 1013904223
                p[i] = Float((state >> 8) & 0xFFFF) / 65536 - 0.5
            }
        }
    }

    deinit {
        a.deallocate(); b.deallocate(); c.deallocate()
    }

    /// `C = op(A) * op(B)` once.
    func call(_ backend: any GemmBackend) {
        backend.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                      a: a, lda: transA == .none ? k : m, b: b, ldb: transB == .none ? n : k, beta: 0, c: c, ldc: n)
    }

    /// Seconds per call over `calls` consecutive calls, after one untimed call (as the C-direct
    /// sampler does, so that both find OpenBLAS's worker threads awake).
    func seconds(_ backend: any GemmBackend, calls: Int) -> Double {
        call(backend)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<calls { call(backend) }
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(calls)
    }
}

struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GEMM GFLOP/s per backend, shape and thread count (median of repeats).")

    @Flag(help: "Print a JSON array of {\"backend\",\"m\",\"n\",\"k\",\"threads\",\"gflops\",\"cpu\",\"selection\"}.")
    var json = false

    @Option(help: "Timed samples per measurement; the median is reported.")
    var repeats = 5

    @Flag(help: "Report the fastest sample instead of the median (for a machine shared with other work).")
    var best = false

    @Option(help: "Comma-separated thread counts.")
    var threads = "1,2"

    @Option(help: "Comma-separated backends: default (Gemm.shared), openblas-c-direct, openblas, accelerate, swift (pure-Swift kernel), swift-avx2fma, swift-avx512, naive (default: all available, naive only on the smallest shape).")
    var backends: String?

    @Option(help: "Shapes as MxNxK, comma-separated (default: the issue's five).")
    var shapes: String?

    @Option(help: "Operand layout: nn (C = A B), nt (A Bᵀ: a Dense forward), tn (Aᵀ B: a weight gradient) or tt; openblas-c-direct runs nn only.")
    var trans = "nn"

    @Option(help: "m*n*k from which the Swift backends go parallel (default: SwiftGemm.defaultParallelThreshold).")
    var swiftParallelThreshold: Int = SwiftGemm.defaultParallelThreshold

    static let defaultShapes = [(64, 256, 103), (128, 512, 784), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024)]
    static let cDirect = "openblas-c-direct"
    static let swiftAVX2 = "swift-avx2fma"
    static let swiftAVX512 = "swift-avx512"

    struct Row: Codable {
        let backend: String
        let m: Int
        let n: Int
        let k: Int
        let threads: Int
        let gflops: Double
        /// CPU model and the `CPULevel` in effect.
        var cpu: String = ""
        /// Why the default backend is what it is (`GemmSelection.reason`).
        var selection: String = ""
    }

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        _ = try parsedThreads()
        _ = try parsedShapes()
        _ = try parsedTrans()
    }

    func parsedTrans() throws -> (Transpose, Transpose) {
        let text = trans.lowercased()
        guard text.count == 2, text.allSatisfy({ $0 == "n" || $0 == "t" }) else {
            throw ValidationError("--trans must be nn, nt, tn or tt, got '\(trans)'")
        }
        return (text.first == "t" ? .transpose : .none, text.last == "t" ? .transpose : .none)
    }

    func parsedThreads() throws -> [Int] {
        let values = threads.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("--threads must be positive integers separated by commas, got '\(threads)'")
        }
        return values.compactMap { $0 }
    }

    func parsedShapes() throws -> [(Int, Int, Int)] {
        guard let shapes else { return Self.defaultShapes }
        return try shapes.split(separator: ",").map { text in
            let dims = text.lowercased().split(separator: "x").compactMap { Int($0) }
            guard dims.count == 3, dims.allSatisfy({ $0 >= 1 }) else {
                throw ValidationError("shape '\(text)' is not MxNxK with positive integers")
            }
            return (dims[0], dims[1], dims[2])
        }
    }

    func run() throws {
        let threadCounts = try parsedThreads()
        let shapeList = try parsedShapes()
        let (transA, transB) = try parsedTrans()
        // "swift" is the pure-Swift portable micro-kernel (the issue's figure); "swift-avx2fma" the
        // same driver with the optional C AVX2/FMA micro-kernel, where the CPU has it.
        let selection = Gemm.effectiveSelection
        var names: [String] = ["default"]
        var available: [String: any GemmBackend] = ["default": selection.backend]
        for backend in Gemm.availableBackends() {
            if backend is SwiftGemm {
                available["swift"] = SwiftGemm(parallelThreshold: swiftParallelThreshold, kernel: .portable)
                names.append("swift")
                for (kernel, name) in [(SwiftGemm.Kernel.avx2fma, Self.swiftAVX2), (.avx512, Self.swiftAVX512)]
                where SwiftGemm.enabledKernels.contains(kernel) {
                    available[name] = SwiftGemm(parallelThreshold: swiftParallelThreshold, kernel: kernel)
                    names.append(name)
                }
            } else {
                available[backend.name] = backend
                names.append(backend.name)
            }
        }
        if available["openblas"] != nil && transA == .none && transB == .none { names.insert(Self.cDirect, at: 0) }
        if let backends {
            names = backends.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for name in names where name != Self.cDirect && available[name] == nil {
                if name == Self.swiftAVX2 || name == Self.swiftAVX512 {
                    throw ValidationError("\(name): not available on this CPU at LOGITS_CPU level \(CPULevel.active.rawValue)")
                }
                available[name] = try Gemm.backend(named: name)
            }
            if names.contains(Self.cDirect) && (transA != .none || transB != .none) {
                throw ValidationError("\(Self.cDirect) times C = A * B only; drop it or use --trans nn")
            }
        }
        let explicitNaive = backends?.contains("naive") ?? false
        let smallest = shapeList.map { $0.0 * $0.1 * $0.2 }.min() ?? 0
        let savedThreads = Threading.threadCount
        defer { Threading.threadCount = savedThreads }

        if !json {
            print("GEMM C = \(transA == .none ? "A" : "Aᵀ") * \(transB == .none ? "B" : "Bᵀ") (row-major, float32), GFLOP/s = 2*m*n*k / \(best ? "fastest" : "median") seconds over \(repeats) samples, backends sampled round-robin")
            print("CPU: \(selection.cpu)")
            print("default backend: \(selection.backend.name); \(selection.reason)")
            if let openblas = available["openblas"] as? CBLASGemm { print("openblas: \(openblas.summary)") }
        }
        var rows: [Row] = []
        var cDirectFailed = false
        for (m, n, k) in shapeList {
            let operands = Operands(m: m, n: n, k: k, transA: transA, transB: transB)
            for t in threadCounts {
                Threading.threadCount = t
                // One sampler per backend; samples are taken round-robin (backend 1, 2, ..., 1, 2, ...)
                // so that load from other processes hits every backend alike.
                var samplers: [(name: String, sample: () -> Double?)] = []
                for name in names {
                    if name == "naive" && !explicitNaive && m * n * k > smallest { continue }
                    if name == Self.cDirect {
                        if cDirectFailed { continue }
                        let calls = iterations(m: m, n: n, k: k)
                        samplers.append((name, { cDirectSeconds(m: m, n: n, k: k, threads: t, calls: calls) }))
                    } else if let backend = available[name] {
                        let calls = name == "naive" ? 1 : iterations(m: m, n: n, k: k)
                        samplers.append((name, { operands.seconds(backend, calls: calls) }))
                    }
                }
                var seconds = [[Double]](repeating: [], count: samplers.count)
                var failed = Set<Int>()
                for _ in 0..<repeats {
                    for (i, sampler) in samplers.enumerated() where !failed.contains(i) {
                        if let value = sampler.sample() { seconds[i].append(value) } else { failed.insert(i) }
                        // OpenBLAS worker threads keep spinning for a while after a call; let them
                        // go idle so that they do not steal a core from the next backend's sample.
                        if t > 1 && (sampler.name == Self.cDirect || sampler.name == "openblas") {
                            Thread.sleep(forTimeInterval: 0.2)
                        }
                    }
                }
                for (i, sampler) in samplers.enumerated() {
                    if failed.contains(i) {
                        if sampler.name == Self.cDirect { cDirectFailed = true }
                        continue
                    }
                    let row = Row(backend: sampler.name, m: m, n: n, k: k, threads: t,
                                  gflops: 2.0 * Double(m) * Double(n) * Double(k) / (best ? (seconds[i].min() ?? .nan) : median(seconds[i])) / 1e9,
                                  cpu: selection.cpu, selection: selection.reason)
                    rows.append(row)
                    if !json { printRow(row, rows: rows) }
                }
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
        }
    }

    /// Calls per sample so a sample lasts roughly 50 ms at 50 GFLOP/s.
    func iterations(m: Int, n: Int, k: Int) -> Int {
        max(1, Int(2.5e9 / (2.0 * Double(m) * Double(n) * Double(k))))
    }

    /// Seconds per call of `cblas_sgemm` from C over one sample of `calls` calls, or nil (reported once) when
    /// OpenBLAS cannot be loaded from C.
    func cDirectSeconds(m: Int, n: Int, k: Int, threads: Int, calls: Int) -> Double? {
        var seconds = [Double](repeating: 0, count: 1)
        var error = [CChar](repeating: 0, count: 512)
        let path = ProcessInfo.processInfo.environment["LOGITS_BLAS_LIBRARY"] ?? ""
        let status = cbench_sgemm_seconds(
            path, Int32(threads), Int32(m), Int32(n), Int32(k),
            1, Int32(calls), &seconds, &error, Int32(error.count))
        if status != 0 {
            if !json {
                let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                print("\(Self.cDirect): skipped (\(message))")
            }
            return nil
        }
        return seconds[0]
    }

    func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    func printRow(_ row: Row, rows: [Row]) {
        func same(_ name: String) -> Row? {
            rows.first { $0.backend == name && $0.m == row.m && $0.n == row.n && $0.k == row.k && $0.threads == row.threads }
        }
        var note = ""
        if row.backend == "openblas", let direct = same(Self.cDirect) {
            note = String(format: "  %.1f%% of C-direct", 100 * row.gflops / direct.gflops)
        } else if row.backend.hasPrefix("swift"), let blas = same("openblas") ?? same("accelerate") {
            note = String(format: "  %.1f%% of %@", 100 * row.gflops / blas.gflops, blas.backend)
        }
        let shape = "\(row.m)x\(row.n)x\(row.k)"
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        print(pad(row.backend, 18) + " " + pad(shape, 16) + String(format: " threads %d  %8.2f GFLOP/s", row.threads, row.gflops) + note)
    }
}
