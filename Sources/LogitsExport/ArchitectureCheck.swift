import Foundation

/// Rejects, before anything is built, an architecture the exporter cannot translate faithfully:
/// an architecture JSON field it does not know (a layer kind or option added after this exporter
/// was written) or an unknown activation. Without this, such a model would either fail with a
/// generic decoding error or, worse, be exported without the new part.
enum ArchitectureCheck {
    /// The `MLPSpec` fields the exporter translates (`initializer` only affects training).
    static let knownFields: Set<String> = ["inputs", "hidden", "outputs", "activation", "dropout", "layerNorm", "initializer"]
    /// The encoded `Activation` cases the exporter translates.
    static let knownActivations: Set<String> = ["relu", "leakyReLU", "gelu", "geluTanh", "tanh", "sigmoid"]

    /// - Throws: `ONNXExportError.unsupportedArchitecture` / `.unsupportedActivation` naming the field.
    static func check(_ architecture: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(architecture.utf8)) as? [String: Any] else {
            throw ONNXExportError.unsupportedArchitecture("not an MLP spec: \(architecture.prefix(120))")
        }
        if let unknown = object.keys.sorted().first(where: { !knownFields.contains($0) }) {
            throw ONNXExportError.unsupportedArchitecture("the model's architecture has '\(unknown)', which the ONNX exporter does not know (it translates \(knownFields.sorted().joined(separator: ", ")))")
        }
        if let activation = object["activation"] {
            let name: String?
            if let s = activation as? String { name = s } else { name = (activation as? [String: Any])?.keys.first }
            if let name, !knownActivations.contains(name) { throw ONNXExportError.unsupportedActivation(name) }
        }
    }
}
