/// A standalone pointwise activation stage `y = f(x)` (used where it cannot be fused into the
/// preceding `Dense`, e.g. GELU, or after a LayerNorm). Backward: `dx = dy ⊙ f'(x)`.
public final class ActivationLayer: Layer {
    public let activation: Activation
    public let inputCount: Int
    public var outputCount: Int { inputCount }
    public var parameters: [Parameter] { [] }

    public init(_ activation: Activation, features: Int) {
        self.activation = activation
        self.inputCount = features
    }

    public func forward(_ x: Matrix, into y: inout Matrix, training: Bool) throws {
        try checkInput(x, activation.moduleName)
        y.resize(rows: x.rows, cols: x.cols)
        let n = x.count
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let xa = xp.baseAddress, let ya = yp.baseAddress else { return }
                ya.update(from: xa, count: n)
                activation.forward(ya, count: n)
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
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in
                dy.withUnsafeBufferPointer { gp in
                    dx.withUnsafeMutableBufferPointer { dp in
                        guard let xa = xp.baseAddress, let ya = yp.baseAddress,
                              let ga = gp.baseAddress, let da = dp.baseAddress else { return }
                        activation.backward(input: xa, output: ya, outputGradient: ga, inputGradient: da, count: n)
                    }
                }
            }
        }
    }
}
