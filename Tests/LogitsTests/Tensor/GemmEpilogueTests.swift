import Testing
@testable import Logits

/// `Gemm.multiplyAddingBias`: the bias + activation epilogue equals the product followed by a
/// separate bias pass and activation, for every backend and Swift kernel, including products
/// deeper than one `kc` block (the epilogue must run only on the final block) and split over threads.
@Suite struct GemmEpilogueTests {
    static var backends: [(String, any GemmBackend)] {
        var list: [(String, any GemmBackend)] = Gemm.availableBackends().filter { !($0 is SwiftGemm) }.map { ($0.name, $0) }
        for kernel in SwiftGemm.supportedKernels {
            list.append(("swift/\(kernel.rawValue) 1t", SwiftGemm(threads: 1, kernel: kernel)))
            list.append(("swift/\(kernel.rawValue) 2t", SwiftGemm(threads: 2, parallelThreshold: 0, kernel: kernel)))
        }
        return list
    }

    static let activations: [Activation?] = [nil, .relu, .leakyReLU(slope: 0.01), .tanh, .sigmoid, .gelu]

    @Test("epilogue = product, then bias row, then activation")
    func matchesSeparatePasses() throws {
        for (name, backend) in Self.backends {
            for (m, n, k) in [(5, 7, 3), (130, 70, SwiftGemm.kc + 20), (13, 2 * 33, 9)] {
                var gen = GemmReference.Generator(state: UInt64(m * n + k))
                let x = try Matrix(rows: m, cols: k, storage: gen.values(m * k))
                let w = try Matrix(rows: n, cols: k, storage: gen.values(n * k))
                let bias = try Matrix(rows: 1, cols: n, storage: gen.values(n))
                for activation in Self.activations {
                    var fused = Matrix(rows: 0, cols: 0)
                    try Gemm.multiplyAddingBias(x, .none, w, .transpose, bias: bias, activation: activation,
                                                into: &fused, backend: backend)
                    var want = Matrix(rows: 0, cols: 0)
                    try Gemm.multiply(x, .none, w, .transpose, into: &want, backend: backend)
                    var expected = want.storage
                    for i in 0..<m {
                        for j in 0..<n {
                            let z = expected[i * n + j] + bias.storage[j]
                            expected[i * n + j] = activation.map { $0.apply(z) } ?? z
                        }
                    }
                    #expect(fused.rows == m && fused.cols == n)
                    // Relative to the largest value: the two calls may sum in another order (OpenBLAS
                    // splits a product over its threads as it sees fit; sums of ~300 terms reach ~15).
                    let worst = zip(fused.storage, expected).map { abs($0 - $1) }.max() ?? 0
                    let scale = max(1, expected.map { abs($0) }.max() ?? 0)
                    #expect(worst <= 1e-5 * scale, "\(name) \(m)x\(n)x\(k) \(String(describing: activation)): max difference \(worst) (largest value \(scale))")
                }
            }
        }
    }

    @Test("a bias of the wrong length is a shape error")
    func biasLength() throws {
        let x = Matrix(rows: 2, cols: 3, repeating: 1)
        let w = Matrix(rows: 4, cols: 3, repeating: 1)
        var y = Matrix(rows: 0, cols: 0)
        #expect(throws: LogitsError.self) {
            try Gemm.multiplyAddingBias(x, .none, w, .transpose, bias: Matrix(rows: 1, cols: 3), activation: .relu, into: &y)
        }
    }
}
