import Foundation

/// One backend as timed by the selection probe (`Gemm.select(environment:)`).
public struct GemmMeasurement: Sendable {
    /// `openblas`, `accelerate`, or `swift/KERNEL` (`swift/avx512`, `swift/avx2fma`, `swift/portable`).
    public let label: String
    /// The backend that was timed, ready to use.
    public let backend: any GemmBackend
    /// Best-of-repeats GFLOP/s over the probe's products.
    public let gflops: Double
}

/// Times GEMM backends on MLP-shaped products, with the thread count in effect, and reports each
/// backend's best round. The products are one training step's three, a forward `X Wᵀ`, a weight
/// gradient `dYᵀ X` and an input gradient `dY W`, at two sizes:
/// - `small`: 64 rows, 256 x 256 (25 MFLOP);
/// - `mid`: 128 rows, 512 x 512 (201 MFLOP), the scale the backend is judged on (128 x 512 x 784,
///   512³). The small products alone (a quarter millisecond a round) ranked OpenBLAS at 66 and at
///   122 GFLOP/s in two processes on one idle 2-vCPU Zen 3, and the choice flipped.
///
/// Each candidate runs the small products once untimed (page faults, worker start-up) and once
/// timed. A candidate slower than `slowGFLOPS` there (the portable kernel of a debug build) keeps
/// that figure, so that a debug build's probe stays well under a second; the others run, in each
/// of `passes` interleaved passes, up to `rounds` timed rounds of all six products until `budget`
/// seconds have passed, and keep their best round. Release builds on a 2-vCPU machine: about
/// 10 ms per fast candidate. `Gemm.select` measures the package's kernels in one call and the
/// libraries in a second one, after loading them: OpenBLAS's threads spin for about 0.1 s after
/// it loads and after each call, and would slow whatever is timed next.
enum GemmProbe {
    /// (transA, transB, m, n, k) of the small products.
    static let small: [(Transpose, Transpose, Int, Int, Int)] = [
        (.none, .transpose, 64, 256, 256),  // Y = X Wᵀ
        (.transpose, .none, 256, 256, 64),  // dW = dYᵀ X
        (.none, .none, 64, 256, 256),       // dX = dY W
    ]
    /// (transA, transB, m, n, k) of the mid-sized products.
    static let mid: [(Transpose, Transpose, Int, Int, Int)] = [
        (.none, .transpose, 128, 512, 512),
        (.transpose, .none, 512, 512, 128),
        (.none, .none, 128, 512, 512),
    ]

    /// Floating-point operations of `products`.
    static func flops(_ products: [(Transpose, Transpose, Int, Int, Int)]) -> Double {
        products.reduce(0) { $0 + 2 * Double($1.2 * $1.3 * $1.4) }
    }

    /// Warm-up speed below which a candidate is timed on the small products only.
    static let slowGFLOPS = 5.0

    /// Measures every candidate in `passes` interleaved passes (A B C, A B C), keeping each one's
    /// best round: a slow spell of the machine (a vCPU taken away, a new thread not yet moved to
    /// an idle core) then costs one pass of every candidate, not all of one candidate's rounds.
    static func measure(_ candidates: [(label: String, backend: any GemmBackend)], rounds: Int = 2,
                        passes: Int = 2, budget: Double = 0.01) -> [GemmMeasurement] {
        let largest = (small + mid).map { max($0.2 * $0.4, $0.4 * $0.3, $0.2 * $0.3) }.max() ?? 0
        let a = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<largest {
            a[i] = Float((i * 7919) % 251) / 251 - 0.5
            b[i] = Float((i * 104_729) % 241) / 241 - 0.5
        }
        /// Seconds for `backend` to run `products` once.
        func time(_ backend: any GemmBackend, _ products: [(Transpose, Transpose, Int, Int, Int)]) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            for (ta, tb, m, n, k) in products {
                backend.sgemm(
                    transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1,
                    a: a, lda: ta == .none ? k : m, b: b, ldb: tb == .none ? n : k,
                    beta: 0, c: c, ldc: n)
            }
            return max(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, 1e-9)
        }
        let all = small + mid
        // Best GFLOP/s so far per candidate; nil until its first pass.
        var rates = [Double?](repeating: nil, count: candidates.count)
        var slow = [Bool](repeating: false, count: candidates.count)
        for pass in 0..<max(1, passes) {
            for (i, candidate) in candidates.enumerated() where !slow[i] {
                if pass == 0 {
                    _ = time(candidate.backend, small)  // warm-up: page faults, a library's thread start-up
                    let smallRate = flops(small) / time(candidate.backend, small) / 1e9
                    if smallRate < slowGFLOPS {
                        slow[i] = true
                        rates[i] = smallRate
                        continue
                    }
                }
                var best = Double.infinity, spent = 0.0
                for _ in 0..<max(1, rounds) where spent < budget {
                    let t = time(candidate.backend, all)
                    best = min(best, t)
                    spent += t
                }
                rates[i] = max(rates[i] ?? 0, flops(all) / best / 1e9)
            }
        }
        return candidates.enumerated().map { i, candidate in
            GemmMeasurement(label: candidate.label, backend: candidate.backend, gflops: rates[i] ?? 0)
        }
    }
}
