import ArgumentParser
import CBenchBLAS
import Foundation
import Logits

/// `logits-bench gemm`: GFLOP/s of every available GEMM backend, plus OpenBLAS's `cblas_sgemm`
/// called directly from C ("openblas-c-direct") as the baseline for the OpenBLAS backend.
struct GemmBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GEMM GFLOP/s per backend, shape and thread count (median of repeats).")

    @Flag(help: "Print a JSON array of {\"backend\",\"m\",\"n\",\"k\",\"threads\",\"gflops\"}.")
    var json = false

    @Option(help: "Timed samples per measurement; the median is reported.")
    var repeats = 5

    @Option(help: "Comma-separated thread counts.")
    var threads = "1,2"

    @Option(help: "Comma-separated backends (default: all available, naive only on the smallest shape).")
    var backends: String?

    @Option(help: "Shapes as MxNxK, comma-separated (default: the issue's five).")
    var shapes: String?

    static let defaultShapes = [(64, 256, 103), (128, 512, 784), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024)]
    static let cDirect = "openblas-c-direct"

    struct Row: Codable {
        let backend: String
        let m: Int
        let n: Int
        let k: Int
        let threads: Int
        let gflops: Double
    }

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        _ = try parsedThreads()
        _ = try parsedShapes()
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
        var names: [String]
        var available: [String: any GemmBackend] = [:]
        for backend in Gemm.availableBackends() { available[backend.name] = backend }
        if let backends {
            names = backends.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for name in names where name != Self.cDirect {
                if available[name] == nil { available[name] = try Gemm.backend(named: name) }
            }
        } else {
            names = []
            if available["openblas"] != nil { names.append(Self.cDirect) }
            names += Gemm.availableBackends().map(\.name)
        }
        let explicitNaive = backends?.contains("naive") ?? false
        let smallest = shapeList.map { $0.0 * $0.1 * $0.2 }.min() ?? 0
        let savedThreads = Threading.threadCount
        defer { Threading.threadCount = savedThreads }

        if !json {
            print("GEMM C = A * B (row-major, float32), GFLOP/s = 2*m*n*k / median seconds over \(repeats) samples")
            if let openblas = available["openblas"] as? CBLASGemm { print("openblas: \(openblas.libraryPath)") }
        }
        var rows: [Row] = []
        for (m, n, k) in shapeList {
            for t in threadCounts {
                Threading.threadCount = t
                for name in names {
                    if name == "naive" && !explicitNaive && m * n * k > smallest { continue }
                    let seconds: [Double]
                    if name == Self.cDirect {
                        guard let s = cDirectSeconds(m: m, n: n, k: k, threads: t) else { continue }
                        seconds = s
                    } else if let backend = available[name] {
                        seconds = time(backend, m: m, n: n, k: k)
                    } else { continue }
                    let row = Row(backend: name, m: m, n: n, k: k, threads: t,
                                  gflops: 2.0 * Double(m) * Double(n) * Double(k) / median(seconds) / 1e9)
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

    func time(_ backend: any GemmBackend, m: Int, n: Int, k: Int) -> [Double] {
        var state: UInt32 = 12345
        func random() -> Float {
            state = state &* 1664525 &+ 1013904223
            return Float((state >> 8) & 0xFFFF) / 65536 - 0.5
        }
        let a = (0..<(m * k)).map { _ in random() }
        let b = (0..<(k * n)).map { _ in random() }
        var c = (0..<(m * n)).map { _ in random() }
        let calls = backend.name == "naive" ? 1 : iterations(m: m, n: n, k: k)
        return a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    let cBase = pc.baseAddress!  // trap-ok: non-empty array
                    let call = {
                        backend.sgemm(transA: .none, transB: .none, m: m, n: n, k: k, alpha: 1,
                                      a: pa.baseAddress!, lda: k, b: pb.baseAddress!, ldb: n,  // trap-ok: non-empty arrays
                                      beta: 0, c: cBase, ldc: n)
                    }
                    call()  // warm-up: loads, packs buffers, spins up threads
                    return (0..<repeats).map { _ in
                        let start = DispatchTime.now().uptimeNanoseconds
                        for _ in 0..<calls { call() }
                        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 / Double(calls)
                    }
                }
            }
        }
    }

    func cDirectSeconds(m: Int, n: Int, k: Int, threads: Int) -> [Double]? {
        var seconds = [Double](repeating: 0, count: repeats)
        var error = [CChar](repeating: 0, count: 512)
        let path = ProcessInfo.processInfo.environment["LOGITS_BLAS_LIBRARY"] ?? ""
        let status = cbench_sgemm_seconds(
            path, Int32(threads), Int32(m), Int32(n), Int32(k),
            Int32(repeats), Int32(iterations(m: m, n: n, k: k)), &seconds, &error, Int32(error.count))
        if status != 0 {
            if !json {
                let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                print("\(Self.cDirect): skipped (\(message))")
            }
            return nil
        }
        return seconds
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
        } else if row.backend == "swift", let blas = same("openblas") ?? same("accelerate") {
            note = String(format: "  %.1f%% of %@", 100 * row.gflops / blas.gflops, blas.backend)
        }
        let shape = "\(row.m)x\(row.n)x\(row.k)"
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        print(pad(row.backend, 18) + " " + pad(shape, 16) + String(format: " threads %d  %8.2f GFLOP/s", row.threads, row.gflops) + note)
    }
}
