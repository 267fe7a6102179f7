import CLogitsKernels
import Foundation

/// Adam and AdamW exactly as `torch.optim.Adam` / `torch.optim.AdamW` (single-tensor path,
/// amsgrad off), at step `t` (1-based):
///
///     AdamW:  p ← p (1 − lr · wd)                     (decoupled weight decay, before the update)
///     Adam:   g ← ∇ + wd · p                          (L2 weight decay)
///     m ← m + (1 − β1)(g − m)                          (= lerp)
///     v ← β2 v + (1 − β2) g²
///     p ← p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// Bias corrections are computed in `Double` and rounded to `Float` once per step, as PyTorch does
/// with its Python-float scalars.
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// `true` for AdamW.
    public let decoupled: Bool
    public private(set) var stepCount = 0
    private var m: [[Float]] = []
    private var v: [[Float]] = []

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    public func step(_ parameters: [Parameter], learningRate lr: Float) {
        if m.count != parameters.count {
            m = parameters.map { [Float](repeating: 0, count: $0.count) }
            v = parameters.map { [Float](repeating: 0, count: $0.count) }
        }
        stepCount += 1
        let t = Double(stepCount)
        let bc1 = 1 - Foundation.pow(Double(beta1), t)
        let bc2 = 1 - Foundation.pow(Double(beta2), t)
        let stepSize = Float(Double(lr) / bc1)
        let bc2Sqrt = Float(bc2.squareRoot())
        let b2 = beta2, eps = epsilon
        let oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2
        let decay: Float = decoupled ? 1 - lr * weightDecay : 1
        let l2: Float = decoupled ? 0 : weightDecay
        let applyDecay = decoupled && weightDecay != 0
        let kernel = Kernel(oneMinusB1: oneMinusB1, b2: b2, oneMinusB2: oneMinusB2, eps: eps, bc2Sqrt: bc2Sqrt,
                            stepSize: stepSize, decay: decay, l2: l2, applyDecay: applyDecay)
        let avx2 = VectorMath.usesAVX2
        for (k, p) in parameters.enumerated() {
            let n = p.count
            p.gradient.withUnsafeBufferPointer { gp in
                p.value.withUnsafeMutableBufferPointer { pp in
                    m[k].withUnsafeMutableBufferPointer { mp in
                        v[k].withUnsafeMutableBufferPointer { vp in
                            guard let g = gp.baseAddress, let w = pp.baseAddress,
                                  let ma = mp.baseAddress, let va = vp.baseAddress else { return }
                            let io = Pointers(g: g, w: w, m: ma, v: va)
                            // Elementwise: splitting into chunks never changes the result. Chunks
                            // are claimed dynamically by at most `Threading.threadCount` threads,
                            // and a worker that has not started is withdrawn, so a descheduled
                            // worker holds up at most one chunk. The update is bound by its two
                            // divisions and square root per element (PyTorch's operations, kept for
                            // bit equality), not by memory, so a second core nearly halves it
                            // (`logits-bench optimizer`: 940k elements 484 -> 264 us); below
                            // `parallelThreshold` waking a parked worker costs about what it saves.
                            let parts = Threading.threadCount > 1 && n >= Self.parallelThreshold ? (n + Self.chunk - 1) / Self.chunk : 1
                            WorkerPool.run(parts: parts) { part in
                                let lo = part * Self.chunk, hi = parts == 1 ? n : min(n, lo + Self.chunk)
                                if avx2 { kernel.runAVX2(io, lo, hi) } else { kernel.run(io, lo, hi) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Elements per parallel part (a multiple of 8; 128 KiB per array).
    static let chunk = 32_768
    /// Parameter tensors from this many elements are updated by the worker pool. Measured in
    /// training (AMD Zen 3, 2 threads): Fashion-MNIST's 401k-element weight gained nothing
    /// (the pool's workers are often parked after an OpenBLAS product), bibtex's 940k-element first
    /// layer made the sparse epoch 0.101 -> 0.091 s.
    static let parallelThreshold = 1 << 19
}

extension Adam {
    struct Pointers: @unchecked Sendable {  // unchecked: threads write disjoint ranges
        let g: UnsafePointer<Float>
        let w: UnsafeMutablePointer<Float>
        let m: UnsafeMutablePointer<Float>
        let v: UnsafeMutablePointer<Float>
    }

    /// The per-element update on `[lo, hi)`, 8 lanes at a time (IEEE elementwise operations in the
    /// same order as the scalar tail, so lanes and tail give identical results).
    struct Kernel: Sendable {
        let oneMinusB1: Float, b2: Float, oneMinusB2: Float, eps: Float, bc2Sqrt: Float
        let stepSize: Float, decay: Float, l2: Float, applyDecay: Bool

        /// `run` in C with AVX2 (`logits_adam_avx2`): the same operations in the same order, so the
        /// same results.
        func runAVX2(_ io: Pointers, _ lo: Int, _ hi: Int) {
            var c = logits_adam_constants(
                one_minus_b1: oneMinusB1, b2: b2, one_minus_b2: oneMinusB2, eps: eps, bc2_sqrt: bc2Sqrt,
                step_size: stepSize, decay: decay, l2: l2, apply_decay: applyDecay ? 1 : 0)
            logits_adam_avx2(lo, hi, io.g, io.w, io.m, io.v, &c)
        }

        func run(_ io: Pointers, _ lo: Int, _ hi: Int) {
            var i = lo
            let c1 = SIMD8<Float>(repeating: oneMinusB1), cb2 = SIMD8<Float>(repeating: b2)
            let c2 = SIMD8<Float>(repeating: oneMinusB2), ce = SIMD8<Float>(repeating: eps)
            let cs = SIMD8<Float>(repeating: bc2Sqrt), cstep = SIMD8<Float>(repeating: stepSize)
            let cd = SIMD8<Float>(repeating: decay), cl2 = SIMD8<Float>(repeating: l2)
            while i + 8 <= hi {
                var w = Elementwise.load8(io.w + i)
                if applyDecay { w = w * cd }
                var g = Elementwise.load8(io.g + i)
                if l2 != 0 { g = g + cl2 * w }
                let m0 = Elementwise.load8(io.m + i)
                let mi = m0 + c1 * (g - m0)
                let vi = cb2 * Elementwise.load8(io.v + i) + c2 * (g * g)
                Elementwise.store8(mi, io.m + i)
                Elementwise.store8(vi, io.v + i)
                let denom = vi.squareRoot() / cs + ce
                Elementwise.store8(w - cstep * (mi / denom), io.w + i)
                i += 8
            }
            while i < hi {
                var w = io.w[i]
                if applyDecay { w *= decay }
                let g = l2 != 0 ? io.g[i] + l2 * w : io.g[i]
                let mi = io.m[i] + oneMinusB1 * (g - io.m[i])
                let vi = b2 * io.v[i] + oneMinusB2 * (g * g)
                io.m[i] = mi
                io.v[i] = vi
                let denom = vi.squareRoot() / bc2Sqrt + eps
                io.w[i] = w - stepSize * (mi / denom)
                i += 1
            }
        }
    }
}
