import Logits

/// Turns the `inputs` / `instances` of a request into `N x D` features in the classifier's column
/// order (names matched with `Classifier.columnPermutation`): dense rows as a `Matrix`, sparse
/// rows (`SparseFeatureDecoder.swift`) as CSR.
struct FeatureDecoder {
    let classifier: Classifier
    var d: Int { classifier.inputCount }

    /// Largest number of values one request may carry (the body limit bounds it too).
    static let maximumValues = 1 << 28

    // MARK: inputs

    func inputs(_ value: JSONValue, binary: inout BinaryReader) throws -> FeatureMatrix {
        guard case .array(let inputs) = value, !inputs.isEmpty else {
            throw ServingError.badRequest("'inputs' must be a non-empty array of tensors")
        }
        if isCSR(inputs) {
            return .sparse(try csrInputs(inputs, binary: &binary))
        }
        try checkIncompleteCSR(inputs)
        if inputs.count == 1, let shape = try? Self.shape(of: inputs[0], index: 0), shape.count == 2 {
            return .dense(try tensor(inputs[0], shape: shape, binary: &binary))
        }
        return .dense(try columns(inputs, binary: &binary))
    }

    /// One `[N, D]` tensor.
    private func tensor(_ input: JSONValue, shape: [Int], binary: inout BinaryReader) throws -> Matrix {
        let name = try Self.name(of: input, index: 0)
        try Self.checkDatatype(input, name: name)
        let (n, cols) = (shape[0], shape[1])
        guard cols == d else {
            throw ServingError.badRequest("input '\(name)' has shape [\(n), \(cols)], expected [N, \(d)] (this model has \(d) features)")
        }
        guard n >= 1 else { throw ServingError.badRequest("input '\(name)' has shape [\(n), \(cols)], expected at least one row") }
        let (count, overflow) = n.multipliedReportingOverflow(by: d)
        guard !overflow, count <= Self.maximumValues else { throw ServingError.badRequest("input '\(name)' has shape [\(n), \(cols)]: too many values") }
        let values = try Self.values(of: input, name: name, count: count, binary: &binary)
        return try Matrix(rows: n, cols: d, storage: values)
    }

    /// One `[N]` (or `[N, 1]`) tensor per feature, matched by name.
    private func columns(_ inputs: [JSONValue], binary: inout BinaryReader) throws -> Matrix {
        var names: [String] = []
        var columns: [[Float]] = []
        var n: Int?
        for (k, input) in inputs.enumerated() {
            let name = try Self.name(of: input, index: k)
            try Self.checkDatatype(input, name: name)
            let shape = try Self.shape(of: input, index: k)
            guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
                let form = inputs.count == 1 ? "[N, \(d)] (one tensor) or [N] (one input per feature)" : "[N] or [N, 1] (one input per feature)"
                throw ServingError.badRequest("input '\(clip(name))' has shape \(shape), expected \(form)")
            }
            guard shape[0] >= 1, shape[0] <= Self.maximumValues else {
                throw ServingError.badRequest("input '\(clip(name))' has shape \(shape), expected at least one row")
            }
            if let n, n != shape[0] {
                throw ServingError.badRequest("input '\(clip(name))' has \(shape[0]) rows, input '\(names[0])' has \(n)")
            }
            n = shape[0]
            names.append(name)
            columns.append(try Self.values(of: input, name: name, count: shape[0], binary: &binary))
        }
        let permutation = try permutation(of: names, what: "inputs")
        let rows = n ?? 0
        var m = Matrix(rows: rows, cols: d)
        for (j, source) in permutation.enumerated() {
            let column = columns[source]
            for r in 0..<rows { m[r, j] = column[r] }
        }
        return m
    }

    // MARK: instances

    /// `[{"name": value, ...}, ...]`, `[[v, ...], ...]` or sparse `[{"indices": [...], "values": [...]}, ...]`.
    func instances(_ value: JSONValue) throws -> FeatureMatrix {
        guard case .array(let rows) = value, !rows.isEmpty else {
            throw ServingError.badRequest("'instances' must be a non-empty array of rows (objects keyed by feature name)")
        }
        if Self.isSparseRow(rows[0]) {
            return .sparse(try sparseInstances(rows))
        }
        return .dense(try denseInstances(rows))
    }

    private func denseInstances(_ rows: [JSONValue]) throws -> Matrix {
        guard rows.count <= Self.maximumValues / max(d, 1) else { throw ServingError.badRequest("'instances': too many rows") }
        var m = Matrix(rows: rows.count, cols: d)
        var lastKeys: [String] = []
        var permutation: [Int] = []
        for (r, row) in rows.enumerated() {
            switch row {
            case .object(let members):
                let keys = members.map(\.0)
                if keys != lastKeys {
                    if Self.isSparseRow(row) {
                        throw ServingError.badRequest("instances[\(r)] is a sparse row ({\"indices\", \"values\"}) but instances[0] is dense; send every row in one form")
                    }
                    permutation = try self.permutation(of: keys, what: "instances[\(r)]")
                    lastKeys = keys
                }
                for (j, source) in permutation.enumerated() {
                    m[r, j] = try Self.float(members[source].1, at: "instances[\(r)] feature '\(keys[source])'")
                }
            case .array(let values):
                guard values.count == d else {
                    throw ServingError.badRequest("instances[\(r)] has \(values.count) values, expected \(d) (this model has \(d) features)")
                }
                for (j, v) in values.enumerated() { m[r, j] = try Self.float(v, at: "instances[\(r)][\(j)]") }
            default:
                throw ServingError.badRequest("instances[\(r)] is \(row.kindName), expected an object keyed by feature name")
            }
        }
        return m
    }

    // MARK: helpers

    /// `permutation[j]` = the position in `names` of the model's feature `j`.
    private func permutation(of names: [String], what: String) throws -> [Int] {
        let expected = classifier.featureNames
        if names == expected { return Array(0..<d) }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        if names.count == expected.count, index.count == names.count, expected.allSatisfy({ index[$0] != nil }) {
            return expected.map { index[$0]! }  // trap-ok: every expected name was just found
        }
        // The library's message lists the missing, unknown and duplicate names.
        do {
            _ = try Classifier.columnPermutation(of: names, to: expected, source: what)
        } catch let error as LogitsError {
            throw ServingError.badRequest("\(error)")
        }
        throw ServingError.badRequest("'\(what)': the names do not match the model's features (\(expected.count): \(expected.prefix(5).joined(separator: ", "))\(expected.count > 5 ? ", ..." : ""))")
    }

    static func name(of input: JSONValue, index: Int) throws -> String {
        guard case .object = input else { throw ServingError.badRequest("inputs[\(index)] is \(input.kindName), expected a tensor object") }
        guard case .string(let name)? = input["name"] else { throw ServingError.badRequest("inputs[\(index)] has no string 'name'") }
        return name
    }

    static func checkDatatype(_ input: JSONValue, name: String) throws {
        guard case .string(let type)? = input["datatype"] else {
            throw ServingError.badRequest("input '\(clip(name))' has no 'datatype' (expected \"FP32\")")
        }
        guard type == "FP32" else {
            throw ServingError.badRequest("input '\(clip(name))' has datatype '\(clip(type))', expected FP32")
        }
    }

    static func shape(of input: JSONValue, index: Int) throws -> [Int] {
        guard case .array(let dims)? = input["shape"] else {
            throw ServingError.badRequest("inputs[\(index)] has no 'shape' array")
        }
        return try dims.map { dim in
            guard case .number(let v) = dim, v >= 0, v == v.rounded() else {
                throw ServingError.badRequest("inputs[\(index)] 'shape' must hold non-negative integers")
            }
            guard v <= Double(Self.maximumValues) else {
                throw ServingError.badRequest("inputs[\(index)] 'shape' has the dimension \(Self.describe(dim)), at most \(Self.maximumValues) per request")
            }
            return Int(v)
        }
    }

    /// `count` values from `data` (flat or nested) or from the binary part.
    static func values(of input: JSONValue, name: String, count: Int, binary: inout BinaryReader) throws -> [Float] {
        if case .object(let parameters)? = input["parameters"],
           let size = parameters.first(where: { $0.0 == "binary_data_size" })?.1 {
            guard case .number(let bytes) = size, bytes >= 0, bytes == bytes.rounded(), bytes <= Double(Int32.max) else {
                throw ServingError.badRequest("input '\(clip(name))': binary_data_size must be a non-negative integer")
            }
            return try binary.floats(count, byteCount: Int(bytes), input: clip(name))
        }
        guard let data = input["data"] else { throw ServingError.badRequest("input '\(clip(name))' has no 'data'") }
        // Counted before anything is reserved: a large declared shape with little data never sizes memory.
        let sent = Self.leafCount(data, stoppingAbove: count)
        guard sent <= count else {
            throw ServingError.badRequest("input '\(clip(name))' has more values in 'data' than its shape's \(count)")
        }
        guard sent == count else {
            throw ServingError.badRequest("input '\(clip(name))' has \(sent) values in 'data', its shape needs \(count)")
        }
        var out: [Float] = []
        out.reserveCapacity(count)
        try flatten(data, into: &out, limit: count, name: name)
        guard out.count == count else {
            throw ServingError.badRequest("input '\(clip(name))' has \(out.count) values in 'data', its shape needs \(count)")
        }
        return out
    }

    /// The number of non-array values in `value` (nested arrays flattened), counting stopped
    /// once it exceeds `limit`.
    static func leafCount(_ value: JSONValue, stoppingAbove limit: Int) -> Int {
        guard case .array(let items) = value else { return 1 }
        var n = 0
        for item in items {
            n += leafCount(item, stoppingAbove: limit - n)
            if n > limit { return n }
        }
        return n
    }

    private static func flatten(_ value: JSONValue, into out: inout [Float], limit: Int, name: String) throws {
        switch value {
        case .array(let items):
            for item in items {
                try flatten(item, into: &out, limit: limit, name: name)
                if out.count > limit {
                    throw ServingError.badRequest("input '\(clip(name))' has more values in 'data' than its shape's \(limit)")
                }
            }
        case .number(let v):
            out.append(Float(v))
        default:
            out.append(try float(value, at: "input '\(clip(name))' data[\(out.count)]"))
        }
    }

    /// A JSON number as `Float` (non-finite values pass here and are rejected later, by name).
    static func float(_ value: JSONValue, at place: @autoclosure () -> String) throws -> Float {
        guard case .number(let v) = value else {
            throw ServingError.badRequest("\(place()) is \(value.kindName), expected an FP32 number")
        }
        return Float(v)
    }
}
