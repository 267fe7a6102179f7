import Logits

/// ONNX nodes for each kind of network stage (see `ONNXExport` for the table).
enum LayerTranslation {
    /// Appends the nodes computing `stage(input)` and returns the output value's name.
    /// - Throws: `ONNXExportError.unsupportedLayer` naming a stage type without a translation.
    static func append(_ stage: any Layer, input: String, to g: inout ONNXGraphBuilder, isLast: Bool) throws -> String {
        switch stage {
        case let dense as Dense:
            let w = try g.floatInitializer(dense.weight.name, shape: dense.weight.shape, values: dense.weight.canonicalValue.storage)
            let b = try g.floatInitializer(dense.bias.name, shape: [dense.outputCount], values: dense.bias.value.storage)
            guard dense.weight.shape == [dense.outputCount, dense.inputCount] else {
                throw ONNXExportError.inconsistentModel("'\(dense.weight.name)' has shape \(dense.weight.shape), expected [\(dense.outputCount), \(dense.inputCount)]")
            }
            let y = g.node("Gemm", [input, w, b], output: g.fresh(prefix(dense.weight.name) + "linear"), attributes: [
                ONNX.attribute("alpha", float: 1), ONNX.attribute("beta", float: 1), ONNX.attribute("transB", int: 1),
            ])
            guard let activation = dense.fusedActivation else { return y }
            return try append(activation, input: y, to: &g)
        case let norm as LayerNorm:
            let scale = try g.floatInitializer(norm.scale.name, shape: [norm.inputCount], values: norm.scale.value.storage)
            let shift = try g.floatInitializer(norm.shift.name, shape: [norm.inputCount], values: norm.shift.value.storage)
            return g.node("LayerNormalization", [input, scale, shift], output: g.fresh(prefix(norm.scale.name) + "layernorm"), attributes: [
                ONNX.attribute("axis", int: -1), ONNX.attribute("epsilon", float: norm.epsilon),
            ])
        case let activation as ActivationLayer:
            return try append(activation.activation, input: input, to: &g)
        case is Dropout:
            return input  // identity at inference
        default:
            throw ONNXExportError.unsupportedLayer(String(describing: type(of: stage)))
        }
    }

    /// Appends `activation(input)`, with PyTorch's definitions (see `Activation`), in operators
    /// available at opset 17 (which has no `Gelu`).
    static func append(_ activation: Activation, input x: String, to g: inout ONNXGraphBuilder) throws -> String {
        switch activation {
        case .relu:
            return g.node("Relu", [x])
        case .leakyReLU(let slope):
            return g.node("LeakyRelu", [x], attributes: [ONNX.attribute("alpha", float: slope)])
        case .tanh:
            return g.node("Tanh", [x])
        case .sigmoid:
            return g.node("Sigmoid", [x])
        case .gelu:
            // (0.5 x) (1 + erf(x · 0.70710678)), in the order Activation.apply evaluates it.
            let scaled = g.node("Mul", [x, try g.scalar("gelu.inv_sqrt2", 0.70710678118654752)])
            let onePlus = g.node("Add", [try g.scalar("gelu.one", 1), g.node("Erf", [scaled])])
            let half = g.node("Mul", [try g.scalar("gelu.half", 0.5), x])
            return g.node("Mul", [half, onePlus], output: g.fresh("gelu"))
        case .geluTanh:
            // (0.5 x) (1 + tanh(0.79788456 (x + ((0.044715 x) x) x))).
            var cube = g.node("Mul", [try g.scalar("gelu.c", 0.044715), x])
            cube = g.node("Mul", [cube, x])
            cube = g.node("Mul", [cube, x])
            let inner = g.node("Mul", [try g.scalar("gelu.sqrt_2_over_pi", 0.7978845608028654), g.node("Add", [x, cube])])
            let onePlus = g.node("Add", [try g.scalar("gelu.one", 1), g.node("Tanh", [inner])])
            let half = g.node("Mul", [try g.scalar("gelu.half", 0.5), x])
            return g.node("Mul", [half, onePlus], output: g.fresh("gelu_tanh"))
        @unknown default:
            throw ONNXExportError.unsupportedActivation("\(activation)")
        }
    }

    /// `"3."` for the state-dict name `"3.weight"` (the module index), else `""`.
    static func prefix(_ parameterName: String) -> String {
        guard let dot = parameterName.lastIndex(of: ".") else { return "" }
        return String(parameterName[...dot])
    }
}
