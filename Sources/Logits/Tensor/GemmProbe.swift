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

/// Times GEMM backends on a few MLP-shaped products (a forward `X Wᵀ`, a weight gradient
/// `dYᵀ X` and an input gradient `dY W`, 64 x 256 x 256 each: about 25 MFLOP per round), with the
/// thread count in effect, and reports each backend's best round. Each candidate runs one
/// untimed round (page faults, worker start-up) and then `rounds` timed ones (best kept), back to back;
/// OpenBLAS-like libraries whose threads keep spinning after a call are best passed last.
enum GemmProbe {
    /// (transA, transB, m, n, k) of the probe's products.
    static let products: [(Transpose, Transpose, Int, Int, Int)] = [
        (.none, .transpose, 64, 256, 256),  // Y = X Wᵀ
        (.transpose, .none, 256, 256, 64),  // dW = dYᵀ X
        (.none, .none, 64, 256, 256),       // dX = dY W
    ]

    /// Floating-point operations of one round.
    static let flopsPerRound: Double = products.reduce(0) { $0 + 2 * Double($1.2 * $1.3 * $1.4) }

    static func measure(_ candidates: [(label: String, backend: any GemmBackend)], rounds: Int = 5) -> [GemmMeasurement] {
        let largest = products.map { max($0.2 * $0.4, $0.4 * $0.3, $0.2 * $0.3) }.max() ?? 0
        let a = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        let b = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: largest)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<largest {
            a[i] = Float((i * 7919) % 251) / 251 - 0.5
            b[i] = Float((i * 104_729) % 241) / 241 - 0.5
        }
        return candidates.map { candidate in
            func round() {
                for (ta, tb, m, n, k) in products {
                    candidate.backend.sgemm(
                        transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1,
                        a: a, lda: ta == .none ? k : m, b: b, ldb: tb == .none ? n : k,
                        beta: 0, c: c, ldc: n)
                }
            }
            round()
            var best = Double.infinity
            for _ in 0..<max(1, rounds) {
                let start = DispatchTime.now().uptimeNanoseconds
                round()
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
            }
            return GemmMeasurement(label: candidate.label, backend: candidate.backend,
                                   gflops: flopsPerRound / max(best, 1e-9) / 1e9)
        }
    }
}
