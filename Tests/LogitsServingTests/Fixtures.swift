import Foundation
import Hummingbird
import Logits
@testable import LogitsServing

/// Small classifiers written to temporary files, for the in-process tests.
enum Fixtures {
    /// A 3-feature, 3-class classifier with seeded weights.
    static func multiClass(seed: UInt64 = 1) throws -> Classifier {
        let mlp = try MLP(spec: MLPSpec(inputs: 3, hidden: [5], outputs: 3), seed: seed)
        return try Classifier(network: mlp, task: .multiClass(classes: 3), labelNames: ["cat", "dog", "eel"],
                              featureNames: ["x", "y", "z"])
    }

    /// A 3-feature, 4-label classifier with one non-zero threshold.
    static func multiLabel(seed: UInt64 = 2) throws -> Classifier {
        let mlp = try MLP(spec: MLPSpec(inputs: 3, hidden: [4], outputs: 4), seed: seed)
        return try Classifier(network: mlp, task: .multiLabel(labels: 4), labelNames: ["a", "b", "c", "d"],
                              featureNames: ["x", "y", "z"], logitThresholds: [0, -0.1, 0.1, 0])
    }

    /// Writes `classifier` to a new temporary file.
    static func file(_ classifier: Classifier) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("serving-\(UUID().uuidString).safetensors")
        try classifier.write(to: url)
        return url.path
    }

    /// A `ServingApplication` serving `models` (name → classifier) from temporary files.
    static func app(_ models: [(String, Classifier)], configure: (inout ServingApplication.Options) -> Void = { _ in }) throws -> ServingApplication {
        var options = ServingApplication.Options()
        options.port = 0
        configure(&options)
        let sources = try models.map { ModelRegistry.Source(name: $0.0, path: try file($0.1)) }
        return ServingApplication(sources: sources, options: options)
    }

    static let rows: [[Float]] = [[0.5, -1.25, 2], [0.1, 0.2, 0.3], [-3, 0, 1.5], [7, -2, 0.25]]

    /// The `{"inputs": [one [N, 3] tensor]}` body of `rows`.
    static func tensorBody(_ rows: [[Float]] = rows, name: String = "features", datatype: String = "FP32", outputs: [String]? = nil) -> String {
        let data = rows.flatMap { $0 }.map { "\($0)" }.joined(separator: ",")
        var body = "{\"inputs\":[{\"name\":\"\(name)\",\"shape\":[\(rows.count),\(rows.first?.count ?? 0)],\"datatype\":\"\(datatype)\",\"data\":[\(data)]}]"
        if let outputs { body += ",\"outputs\":[" + outputs.map { "{\"name\":\"\($0)\"}" }.joined(separator: ",") + "]" }
        return body + "}"
    }
}

/// A decoded infer response: the FP32 outputs as `Float`s (parsed from their text) and the labels.
struct DecodedOutputs {
    var shapes: [String: [Int]] = [:]
    var floats: [String: [Float]] = [:]
    var strings: [String: [String]] = [:]
    var names: [String] = []
    var modelVersion: String?
    var id: String?

    init(_ text: String) throws {
        let json = try JSONParser.parse(Array(text.utf8))
        if case .string(let v)? = json["model_version"] { modelVersion = v }
        if case .string(let v)? = json["id"] { id = v }
        guard case .array(let outputs)? = json["outputs"] else { throw ServingError.badRequest("no outputs in \(text)") }
        for output in outputs {
            guard case .string(let name)? = output["name"], case .array(let shape)? = output["shape"],
                  case .array(let data)? = output["data"] else { throw ServingError.badRequest("bad output \(output)") }
            names.append(name)
            shapes[name] = shape.compactMap { if case .number(let v) = $0 { return Int(v) } else { return nil } }
            if case .string = data.first {
                strings[name] = data.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            } else {
                floats[name] = data.compactMap { if case .number(let v) = $0 { return Float(v) } else { return nil } }
            }
        }
    }
}

/// The `error` string of an error body, or `nil` when the body is not `{"error": "..."}`.
func errorMessage(_ text: String) -> String? {
    guard let json = try? JSONParser.parse(Array(text.utf8)), case .object(let members) = json, members.count == 1,
          case .string(let message)? = json["error"] else { return nil }
    return message
}
