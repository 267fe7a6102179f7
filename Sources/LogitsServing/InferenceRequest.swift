import Logits

/// The outputs an inference request can ask for by name.
public enum InferenceOutput: String, Sendable, CaseIterable {
    /// `FP32 [N, C]`: the raw scores `z`.
    case logits
    /// `FP32 [N, C]`: softmax per row (multi-class) or sigmoid per label (multi-label).
    case probabilities
    /// `BYTES [N]`: the decided class name (multi-class, argmax) or the names of the labels that
    /// are on (multi-label, `z_j > t_j` with the model's stored thresholds), joined by `|`.
    case labels
}

/// A decoded `POST /v2/models/{name}/infer` body: the features as `N x D` rows in the model's
/// column order (dense, or CSR when the request sent sparse rows), and the outputs asked for.
///
/// Accepted forms of the features (all `FP32`, every value finite):
/// - one input tensor of shape `[N, D]` (any name), `data` flat (row-major) or nested;
/// - one input per feature, named by the model's feature names, each of shape `[N]` or `[N, 1]`
///   (named columns, in any order);
/// - `"instances": [{"feature": value, ...}, ...]`, one JSON object per row keyed by feature name
///   (or one array of `D` numbers per row);
/// - sparse, kept as CSR (never `N x D`): three inputs `indptr` `[N + 1]`, `indices` `[nnz]`
///   (`INT32`/`INT64`) and `data` `[nnz]` (the `scipy.sparse.csr_matrix` arrays), or
///   `"instances": [{"indices": [...], "values": [...]}, ...]`; indices are 0-based columns of
///   the model's feature order and a column not listed is 0.
///
/// With the binary tensor extension (`Inference-Header-Content-Length`), an input whose
/// `parameters.binary_data_size` is set takes its values as little-endian FP32 bytes from the
/// part of the body after the JSON header.
public struct InferenceRequest: Sendable {
    /// The request's `id`, echoed in the response.
    public var id: String?
    /// `N x D` raw (unstandardized) features, in the classifier's feature order: `.dense` for the
    /// dense forms, `.sparse` (CSR) for the sparse ones.
    public var features: FeatureMatrix
    /// The outputs to return, in the order asked (all three when the request names none).
    public var outputs: [InferenceOutput]

    /// Decodes a request body for `classifier`.
    /// - Parameters:
    ///   - body: the whole body.
    ///   - jsonLength: the `Inference-Header-Content-Length` header (binary extension), if any.
    /// - Throws: `ServingError` 400 naming the field at fault and what was expected.
    public init(body: [UInt8], jsonLength: Int? = nil, classifier: Classifier) throws {
        var binary: ArraySlice<UInt8> = []
        let json: JSONValue
        if let jsonLength {
            guard jsonLength >= 0, jsonLength <= body.count else {
                throw ServingError.badRequest("Inference-Header-Content-Length is \(jsonLength), the body has \(body.count) bytes")
            }
            json = try JSONParser.parse(Array(body[0..<jsonLength]))
            binary = body[jsonLength...]
        } else {
            json = try JSONParser.parse(body)
        }
        guard case .object = json else { throw ServingError.badRequest("the request body must be a JSON object, got \(json.kindName)") }
        if let id = json["id"] {
            guard case .string(let s) = id else { throw ServingError.badRequest("'id' must be a string, got \(id.kindName)") }
            self.id = s
        }
        outputs = try Self.outputs(json["outputs"])
        let decoder = FeatureDecoder(classifier: classifier)
        if let instances = json["instances"] {
            guard json["inputs"] == nil else { throw ServingError.badRequest("send either 'inputs' or 'instances', not both") }
            features = try decoder.instances(instances)
        } else if let inputs = json["inputs"] {
            var reader = BinaryReader(bytes: binary)
            features = try decoder.inputs(inputs, binary: &reader)
            guard reader.remaining == 0 else {
                throw ServingError.badRequest("\(reader.remaining) bytes of binary data after the inputs")
            }
        } else {
            throw ServingError.badRequest("the request has no 'inputs' (expected [{\"name\": ..., \"shape\": [N, \(classifier.inputCount)], \"datatype\": \"FP32\", \"data\": [...]}])")
        }
        // Sparse values were checked entry by entry while decoding, naming row and column.
        if case .dense(let matrix) = features { try Self.checkFinite(matrix, classifier: classifier) }
    }

    private static func outputs(_ value: JSONValue?) throws -> [InferenceOutput] {
        guard let value else { return InferenceOutput.allCases }
        guard case .array(let items) = value else { throw ServingError.badRequest("'outputs' must be an array, got \(value.kindName)") }
        if items.isEmpty { return InferenceOutput.allCases }
        var out: [InferenceOutput] = []
        for (k, item) in items.enumerated() {
            guard case .string(let name)? = item["name"] else {
                throw ServingError.badRequest("outputs[\(k)] must be an object with a string 'name'")
            }
            guard let output = InferenceOutput(rawValue: name) else {
                throw ServingError.badRequest("outputs[\(k)]: unknown output '\(clip(name))' (expected logits, probabilities or labels)")
            }
            guard !out.contains(output) else { throw ServingError.badRequest("outputs[\(k)]: '\(name)' is asked for twice") }
            out.append(output)
        }
        return out
    }

    /// Rejects NaN and ±inf (also values that overflow `Float`), naming the row and feature.
    private static func checkFinite(_ features: Matrix, classifier: Classifier) throws {
        let d = features.cols
        let bad: Int? = features.withUnsafeBufferPointer { buffer in buffer.firstIndex { !$0.isFinite } }
        if let bad {
            let name = classifier.featureNames[bad % d]
            throw ServingError.badRequest("feature '\(name)' of row \(bad / d) is \(features.storage[bad]) (features must be finite FP32 values)")
        }
    }
}

/// At most 80 characters of a client-supplied string, for error messages.
func clip(_ s: String) -> String {
    s.count <= 80 ? s : String(s.prefix(80)) + "..."
}

/// The binary part of a request (binary tensor extension), read in input order.
struct BinaryReader {
    var bytes: ArraySlice<UInt8>
    var remaining: Int { bytes.count }

    /// `count` little-endian FP32 values.
    mutating func floats(_ count: Int, byteCount: Int, input: String) throws -> [Float] {
        guard byteCount == count * 4 else {
            throw ServingError.badRequest("input '\(input)': binary_data_size is \(byteCount), expected \(count * 4) (\(count) FP32 values)")
        }
        guard byteCount <= bytes.count else {
            throw ServingError.badRequest("input '\(input)': binary_data_size is \(byteCount), only \(bytes.count) bytes of binary data remain")
        }
        var out = [Float](repeating: 0, count: count)
        let start = bytes.startIndex
        for k in 0..<count {
            let b = start + 4 * k
            let bits = UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
            out[k] = Float(bitPattern: bits)
        }
        bytes = bytes[(start + byteCount)...]
        return out
    }
}
