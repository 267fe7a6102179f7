/// What a GEMM does to each block of `C` once it is final: `C[i, j] = f(C[i, j] + bias[j])`
/// (the `Dense` forward pass `Y = f(X Wᵀ + b)` without a separate pass over `Y`).
///
/// `bias` (when set) has one value per column of the whole `C` (`n` values); `activation` (when
/// set) is applied after the bias. `SwiftGemm` applies it block by block while the block is in
/// cache; other backends apply it once after the product (`apply` over all of `C`).
public struct GemmEpilogue: @unchecked Sendable {  // unchecked: `bias` is read-only for the duration of one GEMM call
    /// `n` values added to each row, or `nil`.
    public let bias: UnsafePointer<Float>?
    /// Applied after the bias, or `nil`.
    public let activation: Activation?

    public init(bias: UnsafePointer<Float>?, activation: Activation?) {
        self.bias = bias
        self.activation = activation
    }

    /// Applies the epilogue to `C[rows, cols]` (row stride `ldc`).
    public func apply(c: UnsafeMutablePointer<Float>, ldc: Int, rows: Range<Int>, cols: Range<Int>) {
        let width = cols.count
        if width == 0 { return }
        for r in rows {
            let row = c + r * ldc + cols.lowerBound
            switch (bias, activation) {
            case (let b?, let act?): act.forwardAddingBias(b + cols.lowerBound, to: row, rows: 1, cols: width)
            case (let b?, nil): Elementwise.addRowVector(b + cols.lowerBound, to: row, rows: 1, cols: width)
            case (nil, let act?): act.forward(row, count: width)
            case (nil, nil): return
            }
        }
    }
}
