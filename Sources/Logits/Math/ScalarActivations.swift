import Foundation

// Numerically stable scalar primitives. Each is accurate to a few ulp in Float for every finite
// input (±1e4 included) and propagates NaN (never replaces it).

/// `softplus(x) = log(1 + e^x)`, computed as `max(x, 0) + log1p(e^-|x|)`: no overflow for large
/// `x`, no loss of the tiny value for very negative `x`. `softplus(-inf) = 0`, `softplus(+inf) = +inf`.
/// (PyTorch's `softplus` returns `x` itself above 20; the difference is below 2.1e-9.)
@inlinable public func softplus(_ x: Float) -> Float {
    if x.isNaN { return x }
    // Not Swift.max: it would return 0 for a NaN argument (handled above anyway).
    return (x > 0 ? x : 0) + log1p(exp(-Swift.abs(x)))
}

/// `sigmoid(x) = 1 / (1 + e^-x)`, evaluated on the side where `exp` cannot overflow
/// (`e^x / (1 + e^x)` for negative `x`), so tiny probabilities keep full relative precision.
///
/// Sigmoid outputs are *independent* per label: a multi-label head gives each label its own
/// probability, so a row of sigmoids does not sum to 1 (unlike softmax, which couples the
/// classes into one distribution). Each label is its own Bernoulli yes/no question.
@inlinable public func sigmoid(_ x: Float) -> Float {
    if x >= 0 {
        return 1 / (1 + exp(-x))
    } else {
        let e = exp(x)  // NaN takes this branch and stays NaN
        return e / (1 + e)
    }
}

/// `log(sigmoid(x)) = -softplus(-x)`, never through `log` of a rounded probability
/// (`log(sigmoid(-200))` would be `log(0) = -inf` in Float; this gives `-200`).
@inlinable public func logSigmoid(_ x: Float) -> Float {
    -softplus(-x)
}
