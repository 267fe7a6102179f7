import Logits

/// The JSON body of an inference response (Open Inference Protocol):
/// `{"model_name", "model_version", "id"?, "outputs": [{"name", "datatype", "shape", "data"}]}`.
///
/// Floats are written as their shortest round-trip decimal (`Float.description`, as
/// `logits predict` prints them), so a client that parses them to FP32 gets the exact bits.
enum InferenceResponse {
    static func json(model: ServedModel, id: String?, logits: Matrix, outputs: [InferenceOutput]) throws -> String {
        let classifier = model.classifier
        let n = logits.rows, c = logits.cols
        var parts: [String] = []
        for output in outputs {
            switch output {
            case .logits:
                parts.append(tensor("logits", "FP32", [n, c], floats(logits)))
            case .probabilities:
                parts.append(tensor("probabilities", "FP32", [n, c], floats(classifier.probabilities(logits: logits))))
            case .labels:
                let names = classifier.labelNames
                let rows = try classifier.predictedIndices(logits: logits)
                let data = rows.map { JSONText.string($0.map { names[$0] }.joined(separator: "|")) }.joined(separator: ",")
                parts.append(tensor("labels", "BYTES", [n], data))
            }
        }
        var out = "{\"model_name\":\(JSONText.string(model.name)),\"model_version\":\"\(model.generation)\""
        if let id { out += ",\"id\":\(JSONText.string(id))" }
        out += ",\"outputs\":[" + parts.joined(separator: ",") + "]}"
        return out
    }

    private static func tensor(_ name: String, _ type: String, _ shape: [Int], _ data: String) -> String {
        "{\"name\":\"\(name)\",\"datatype\":\"\(type)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data\":[\(data)]}"
    }

    private static func floats(_ m: Matrix) -> String {
        var out = ""
        out.reserveCapacity(m.count * 12)
        var first = true
        for x in m.storage {
            if !first { out += "," }
            first = false
            out += JSONText.float(x)
        }
        return out
    }
}
