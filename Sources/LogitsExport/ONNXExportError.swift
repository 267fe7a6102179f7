import Foundation

/// Why a model cannot be exported to ONNX.
public enum ONNXExportError: Error, Equatable, LocalizedError {
    /// The network has a layer (stage) the exporter has no ONNX translation for.
    case unsupportedLayer(String)
    /// The network uses an activation the exporter has no ONNX translation for.
    case unsupportedActivation(String)
    /// The architecture stored in the model file names a field (a kind of layer or option) the
    /// exporter does not know, so it cannot promise the graph computes the same function.
    case unsupportedArchitecture(String)
    /// The model's pieces disagree (e.g. standardization length vs input features).
    case inconsistentModel(String)
    /// Protobuf serialization failed.
    case serialization(String)

    public var errorDescription: String? {
        switch self {
        case .unsupportedLayer(let name):
            return "ONNX export does not support the layer '\(name)' (supported: Linear, LayerNorm, Dropout and the activations ReLU, LeakyReLU, GELU, GELU(tanh), Tanh, Sigmoid)"
        case .unsupportedActivation(let name):
            return "ONNX export does not support the activation '\(name)' (supported: relu, leakyReLU, gelu, geluTanh, tanh, sigmoid)"
        case .unsupportedArchitecture(let message):
            return "ONNX export does not support this architecture: \(message)"
        case .inconsistentModel(let message):
            return "cannot export the model: \(message)"
        case .serialization(let message):
            return "cannot serialize the ONNX model: \(message)"
        }
    }
}
