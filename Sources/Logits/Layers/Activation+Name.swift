/// The activations' command-line names: `relu`, `leaky-relu` (slope 0.01), `gelu`, `gelu-tanh`,
/// `tanh`, `sigmoid`.
extension Activation {
    /// Every activation by its name, in display order.
    public static let named: [(name: String, activation: Activation)] = [
        ("relu", .relu), ("leaky-relu", .leakyReLU(slope: 0.01)), ("gelu", .gelu),
        ("gelu-tanh", .geluTanh), ("tanh", .tanh), ("sigmoid", .sigmoid),
    ]

    /// The activation called `name`, or `nil`.
    public init?(name: String) {
        guard let found = Self.named.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = found.activation
    }

    /// The command-line name (`leaky-relu` for any slope).
    public var name: String {
        switch self {
        case .relu: return "relu"
        case .leakyReLU: return "leaky-relu"
        case .gelu: return "gelu"
        case .geluTanh: return "gelu-tanh"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        }
    }
}
