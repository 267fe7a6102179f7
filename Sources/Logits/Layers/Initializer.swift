import Foundation

/// How a `Dense` layer's weight (`out x in`, `fan_in = in`, `fan_out = out`) and bias are initialised.
///
/// | case | weight | bias |
/// | --- | --- | --- |
/// | `pytorchDefault` | `U(±1/√fan_in)` (= `kaiming_uniform_(a=√5)`, `nn.Linear`'s default) | `U(±1/√fan_in)` |
/// | `kaimingUniform` | `U(±√2·√(3/fan_in))` (`kaiming_uniform_`, ReLU gain √2) | 0 |
/// | `kaimingNormal` | `N(0, (√2/√fan_in)²)` (`kaiming_normal_`, ReLU gain) | 0 |
/// | `xavierUniform` | `U(±√(6/(fan_in+fan_out)))` (`xavier_uniform_`) | 0 |
/// | `xavierNormal` | `N(0, 2/(fan_in+fan_out))` (`xavier_normal_`) | 0 |
/// | `lecunUniform` | `U(±√(3/fan_in))` | 0 |
/// | `lecunNormal` | `N(0, 1/fan_in)` | 0 |
///
/// Samples are drawn from a `SeededGenerator` in row-major order of the weight, then the bias.
public enum Initializer: String, Codable, Sendable, CaseIterable {
    case pytorchDefault, kaimingUniform, kaimingNormal, xavierUniform, xavierNormal, lecunUniform, lecunNormal

    /// Fills `weight` (`out x in`) and `bias` (`1 x out`) in place.
    public func initialize(weight: inout Matrix, bias: inout Matrix, rng: inout SeededGenerator) {
        let fanIn = Double(weight.cols), fanOut = Double(weight.rows)
        func uniform(_ bound: Double, _ m: inout Matrix) {
            for i in 0..<m.count { m.storage[i] = Float(rng.uniform(-bound, bound)) }
        }
        func normal(_ std: Double, _ m: inout Matrix) {
            for i in 0..<m.count { m.storage[i] = Float(std * rng.normal()) }
        }
        bias.fill(0)
        switch self {
        case .pytorchDefault:
            let bound = fanIn > 0 ? 1 / fanIn.squareRoot() : 0
            uniform(bound, &weight)
            uniform(bound, &bias)
        case .kaimingUniform: uniform(2.0.squareRoot() * (3 / fanIn).squareRoot(), &weight)
        case .kaimingNormal: normal(2.0.squareRoot() / fanIn.squareRoot(), &weight)
        case .xavierUniform: uniform((6 / (fanIn + fanOut)).squareRoot(), &weight)
        case .xavierNormal: normal((2 / (fanIn + fanOut)).squareRoot(), &weight)
        case .lecunUniform: uniform((3 / fanIn).squareRoot(), &weight)
        case .lecunNormal: normal((1 / fanIn).squareRoot(), &weight)
        }
    }
}
