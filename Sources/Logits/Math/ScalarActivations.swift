import Foundation

// Numerically stable scalar primitives. Each is exact in Float for every finite input and
// propagates NaN (never replaces it).

/// `softplus(x) = log(1 + e^x)`, computed as `max(x, 0) + log1p(e^-|x|)`: no overflow for large
/// `x`, no loss of the tiny value for very negative `x`.
@inlinable public func softplus(_ x: Float) -> Float {
    if x.isNaN { return x }
    return Swift.max(x, 0) + log1p(exp(-Swift.abs(x)))
}

/// `sigmoid(x) = 1 / (1 + e^-x)`, evaluated on the side where `exp` cannot overflow.
///
/// Sigmoid outputs are *independent* per label: a multi-label head gives each label its own
/// probability, so a row of sigmoids does not sum to 1 (unlike softmax, which couples the classes).
@inlinable public func sigmoid(_ x: Float) -> Float {
    if x >= 0 {
        return 1 / (1 + exp(-x))
    } else {
        let e = exp(x)
        return e / (1 + e)
    }
}

/// `log(sigmoid(x)) = -softplus(-x)`, never through `log` of a rounded probability.
@inlinable public func logSigmoid(_ x: Float) -> Float {
    -softplus(-x)
}
