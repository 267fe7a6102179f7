/// Inverted dropout (= `nn.Dropout(p)`): in training, each element is kept with probability `1 - p`
/// and scaled by `1 / (1 - p)`, else zeroed; in evaluation it is the identity.
///
///     y = x ⊙ m,   m_i = (u_i >= p) / (1 - p),  u_i ~ U[0, 1) from a seeded `SeededGenerator`
///     dx = dy ⊙ m
///
/// The mask buffer is kept between forward and backward and reused across batches.
public final class Dropout: Layer {
    /// Probability of zeroing an element, in `[0, 1)`.
    public let probability: Float
    public let inputCount: Int
    public var outputCount: Int { inputCount }
    public var parameters: [Parameter] { [] }
    private var rng: SeededGenerator
    private var mask = Matrix(rows: 0, cols: 0)

    public init(probability: Float, features: Int, seed: UInt64) {
        self.probability = probability
        self.inputCount = features
        self.rng = SeededGenerator(seed: seed)
    }

    /// Restarts the mask generator from `seed` (each data-parallel rank draws its own masks).
    func reseed(_ seed: UInt64) {
        rng = SeededGenerator(seed: seed)
    }

    public func forward(_ x: Matrix, into y: inout Matrix, training: Bool) throws {
        try checkInput(x, "Dropout")
        y.resize(rows: x.rows, cols: x.cols)
        let n = x.count
        if training && probability > 0 {
            mask.resize(rows: x.rows, cols: x.cols)
            let keepScale = 1 / (1 - probability)
            let p = probability
            mask.withUnsafeMutableBufferPointer { m in
                for i in 0..<n { m[i] = rng.unitFloat() < p ? 0 : keepScale }
            }
        }
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let xa = xp.baseAddress, let ya = yp.baseAddress else { return }
                ya.update(from: xa, count: n)
                if training && probability > 0 {
                    mask.withUnsafeBufferPointer { m in
                        if let ma = m.baseAddress { Elementwise.hadamard(ma, into: ya, count: n) }
                    }
                }
            }
        }
    }

    public func backward(
        input x: Matrix, output y: Matrix, outputGradient dy: inout Matrix,
        inputGradient dx: inout Matrix, computeInputGradient: Bool
    ) throws {
        guard computeInputGradient else { return }
        dx.resize(rows: dy.rows, cols: dy.cols)
        let n = dy.count
        dy.withUnsafeBufferPointer { gp in
            dx.withUnsafeMutableBufferPointer { dp in
                guard let ga = gp.baseAddress, let da = dp.baseAddress else { return }
                da.update(from: ga, count: n)
                if probability > 0 {
                    mask.withUnsafeBufferPointer { m in
                        if let ma = m.baseAddress { Elementwise.hadamard(ma, into: da, count: n) }
                    }
                }
            }
        }
    }
}
