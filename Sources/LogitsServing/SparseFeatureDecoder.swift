import Logits

/// Sparse rows of an inference request, decoded into CSR (`SparseMatrix`) without ever holding
/// an `N x D` array. Two forms (docs/serving.md, "Sparse rows"):
///
/// - **CSR tensors**, the `scipy.sparse.csr_matrix` layout: exactly three inputs named `indptr`
///   (`INT32`/`INT64`, shape `[N + 1]`), `indices` (`INT32`/`INT64`, shape `[nnz]`) and `data`
///   (`FP32`, shape `[nnz]`), in any order, JSON or binary (`binary_data_size`);
/// - **one object per row** in `instances`: `{"indices": [...], "values": [...]}`.
///
/// Column indices are 0-based positions in the model's feature order (`0 ..< D`); a column not
/// listed in a row is 0. Within a row the indices may come in any order (they are sorted) but a
/// column may appear only once. Every size is checked against the limits before anything is
/// allocated (a declared shape never sizes a buffer beyond the values actually sent).
extension FeatureDecoder {
    /// The input names of the CSR form.
    static let csrNames: Set<String> = ["indptr", "indices", "data"]

    /// Most logits (`N x C`) a sparse request may ask for (4 194 304: 1 000 rows of EUR-Lex's
    /// 3 956 labels): it bounds `N`, since an empty sparse row costs a few bytes of body but a
    /// full row of output (and of its JSON text).
    static let maximumOutputValues = 1 << 22

    /// Whether `inputs` are the three CSR tensors (and not the named columns of a model whose
    /// features happen to be called `indptr`, `indices` and `data`).
    func isCSR(_ inputs: [JSONValue]) -> Bool {
        guard inputs.count == 3 else { return false }
        var names = Set<String>()
        for input in inputs {
            guard case .string(let name)? = input["name"] else { return false }
            names.insert(name)
        }
        return names == Self.csrNames && Set(classifier.featureNames) != Self.csrNames
    }

    /// A CSR request with an input too many or too few (`indptr` among inputs that are not
    /// exactly the three): 400 naming what the CSR form takes, rather than a named-columns error.
    func checkIncompleteCSR(_ inputs: [JSONValue]) throws {
        let names = inputs.compactMap { input -> String? in
            if case .string(let name)? = input["name"] { return name }
            return nil
        }
        guard names.contains("indptr"), !classifier.featureNames.contains("indptr") else { return }
        let shown = names.prefix(6).map { "'\(clip($0))'" }.joined(separator: ", ") + (names.count > 6 ? ", ..." : "")
        throw ServingError.badRequest("sparse (CSR) inputs are exactly three, named indptr, indices and data; got \(names.count): \(shown)")
    }

    /// Whether row 0 of `instances` is a sparse row (an object with an `indices` array).
    static func isSparseRow(_ row: JSONValue) -> Bool {
        if case .array? = row["indices"] { return true }
        return false
    }

    /// Checks the row count `n` against the limits.
    func checkSparseRows(_ n: Int, what: String) throws {
        guard n >= 1 else { throw ServingError.badRequest("\(what) has no rows, expected at least one") }
        let c = max(classifier.outputCount, 1)
        guard n <= Self.maximumOutputValues / c else {
            throw ServingError.badRequest("\(what) has \(n) rows, at most \(Self.maximumOutputValues / c) per request for this model (\(c) outputs per row)")
        }
    }

    // MARK: instances

    /// `[{"indices": [...], "values": [...]}, ...]`.
    func sparseInstances(_ rows: [JSONValue]) throws -> SparseMatrix {
        try checkSparseRows(rows.count, what: "'instances'")
        var total = 0
        for (r, row) in rows.enumerated() {
            guard case .object(let members) = row else {
                throw ServingError.badRequest("instances[\(r)] is \(row.kindName), expected {\"indices\": [...], \"values\": [...]} like instances[0]")
            }
            if let extra = members.first(where: { $0.0 != "indices" && $0.0 != "values" }) {
                throw ServingError.badRequest("instances[\(r)] has the key '\(clip(extra.0))', a sparse row has only 'indices' and 'values'")
            }
            guard members.count <= 2 else {
                throw ServingError.badRequest("instances[\(r)] repeats a key, a sparse row has 'indices' and 'values' once each")
            }
            guard case .array(let indices)? = row["indices"] else {
                throw ServingError.badRequest("instances[\(r)] has no 'indices' array (expected {\"indices\": [...], \"values\": [...]} like instances[0])")
            }
            guard case .array(let values)? = row["values"] else {
                throw ServingError.badRequest("instances[\(r)] has no 'values' array (expected {\"indices\": [...], \"values\": [...]})")
            }
            guard indices.count == values.count else {
                throw ServingError.badRequest("instances[\(r)] has \(indices.count) indices and \(values.count) values, expected as many of each")
            }
            total += indices.count
        }
        guard total <= Self.maximumValues else {
            throw ServingError.badRequest("'instances' hold \(total) stored values, at most \(Self.maximumValues) per request")
        }
        var builder = SparseRowsBuilder(cols: d, rows: rows.count, nonZeros: total)
        for (r, row) in rows.enumerated() {
            guard case .array(let indices)? = row["indices"], case .array(let values)? = row["values"] else { continue }
            for (k, (index, value)) in zip(indices, values).enumerated() {
                let column = try column(index, at: "instances[\(r)].indices[\(k)]")
                let v = try finite(value, at: "instances[\(r)].values[\(k)]")
                builder.append(column: column, value: v)
            }
            try builder.endRow { "instances[\(r)]" }
        }
        return try builder.matrix()
    }

    // MARK: CSR tensors

    /// The three CSR inputs, read in request order (the binary part is in that order).
    func csrInputs(_ inputs: [JSONValue], binary: inout BinaryReader) throws -> SparseMatrix {
        var indptr: [Int] = [], indices: [Int] = [], data: [Float] = []
        var shapes: [String: Int] = [:]
        for (k, input) in inputs.enumerated() {
            let name = try Self.name(of: input, index: k)
            let shape = try Self.shape(of: input, index: k)
            guard shape.count == 1 else {
                throw ServingError.badRequest("input '\(name)' has shape \(shape), expected a 1-D shape ([N + 1] for indptr, [nnz] for indices and data)")
            }
            shapes[name] = shape[0]
        }
        // Sizes first: N within the limits, indices and data of one length.
        let rowsPlusOne = shapes["indptr"] ?? 0, nnz = shapes["indices"] ?? 0
        guard rowsPlusOne >= 2 else {
            throw ServingError.badRequest("input 'indptr' has shape [\(rowsPlusOne)], expected [N + 1] with at least one row (N >= 1)")
        }
        try checkSparseRows(rowsPlusOne - 1, what: "input 'indptr' (shape [N + 1])")
        guard shapes["data"] == nnz else {
            throw ServingError.badRequest("input 'indices' has shape [\(nnz)], input 'data' [\(shapes["data"] ?? 0)]; expected the same length (nnz)")
        }
        for (k, input) in inputs.enumerated() {
            let name = try Self.name(of: input, index: k)
            let count = shapes[name] ?? 0
            if name == "data" {
                try Self.checkDatatype(input, name: name)
                // Count before `values` reserves room for the declared shape.
                if case .array(let items)? = input["data"], items.count != count {
                    throw ServingError.badRequest("input 'data' has \(items.count) values in 'data', its shape needs \(count)")
                }
                data = try Self.values(of: input, name: name, count: count, binary: &binary)
            } else {
                let values = try Self.integers(of: input, name: name, count: count, binary: &binary)
                if name == "indptr" { indptr = values } else { indices = values }
            }
        }
        // Offsets: 0, non-decreasing, ending at nnz (so every row's range lies in 0...nnz).
        let n = indptr.count - 1
        guard indptr[0] == 0 else { throw ServingError.badRequest("input 'indptr' starts at \(indptr[0]), expected 0") }
        for r in 0..<n where indptr[r + 1] < indptr[r] {
            throw ServingError.badRequest("input 'indptr' decreases at row \(r) (\(indptr[r]) then \(indptr[r + 1])); expected non-decreasing row offsets")
        }
        guard indptr[n] == nnz else {
            throw ServingError.badRequest("input 'indptr' ends at \(indptr[n]), expected \(nnz) (the length of 'indices' and 'data')")
        }
        var builder = SparseRowsBuilder(cols: d, rows: n, nonZeros: nnz)
        for r in 0..<n {
            for k in indptr[r]..<indptr[r + 1] {
                let column = indices[k]
                guard column >= 0, column < d else {
                    throw ServingError.badRequest("input 'indices'[\(k)] (row \(r)) is \(column), expected a column in 0..<\(d) (this model has \(d) features)")
                }
                guard data[k].isFinite else {
                    throw ServingError.badRequest("input 'data'[\(k)] (row \(r), column \(column)) is \(data[k]) (features must be finite FP32 values)")
                }
                builder.append(column: column, value: data[k])
            }
            try builder.endRow { "row \(r) of the CSR inputs" }
        }
        return try builder.matrix()
    }

    // MARK: values

    /// A JSON number that is a column index in `0 ..< D`.
    private func column(_ value: JSONValue, at place: @autoclosure () -> String) throws -> Int {
        guard case .number(let v) = value, v == v.rounded() else {
            throw ServingError.badRequest("\(place()) is \(Self.describe(value)), expected an integer column index in 0..<\(d)")
        }
        guard v >= 0, v < Double(d) else {
            throw ServingError.badRequest("\(place()) is \(Self.describe(value)), expected a column index in 0..<\(d) (this model has \(d) features)")
        }
        return Int(v)
    }

    /// A JSON number that is a finite FP32 value.
    private func finite(_ value: JSONValue, at place: @autoclosure () -> String) throws -> Float {
        let v = try Self.float(value, at: place())
        guard v.isFinite else {
            throw ServingError.badRequest("\(place()) is \(Self.describe(value)) (features must be finite FP32 values)")
        }
        return v
    }

    /// A short text of a client value for a message (numbers as given, others by kind).
    static func describe(_ value: JSONValue) -> String {
        if case .number(let v) = value {
            return v.isFinite && v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)"
        }
        return value.kindName
    }

    /// `count` integers of an `INT32` / `INT64` input, from `data` (flat) or the binary part.
    static func integers(of input: JSONValue, name: String, count: Int, binary: inout BinaryReader) throws -> [Int] {
        guard case .string(let type)? = input["datatype"] else {
            throw ServingError.badRequest("input '\(name)' has no 'datatype' (expected \"INT32\" or \"INT64\")")
        }
        let width: Int
        switch type {
        case "INT32": width = 4
        case "INT64": width = 8
        default: throw ServingError.badRequest("input '\(name)' has datatype '\(clip(type))', expected INT32 or INT64")
        }
        if case .object(let parameters)? = input["parameters"],
           let size = parameters.first(where: { $0.0 == "binary_data_size" })?.1 {
            guard case .number(let bytes) = size, bytes >= 0, bytes == bytes.rounded(), bytes <= Double(Int32.max) else {
                throw ServingError.badRequest("input '\(name)': binary_data_size must be a non-negative integer")
            }
            return try binary.integers(count, width: width, byteCount: Int(bytes), input: name)
        }
        guard let data = input["data"] else { throw ServingError.badRequest("input '\(name)' has no 'data'") }
        guard case .array(let items) = data else {
            throw ServingError.badRequest("input '\(name)' 'data' is \(data.kindName), expected an array of \(count) integers")
        }
        guard items.count == count else {
            throw ServingError.badRequest("input '\(name)' has \(items.count) values in 'data', its shape needs \(count)")
        }
        let bound = width == 4 ? Double(Int32.max) : Double(1 << 53)
        var out: [Int] = []
        out.reserveCapacity(count)
        for (k, item) in items.enumerated() {
            guard case .number(let v) = item, v == v.rounded(), abs(v) <= bound else {
                throw ServingError.badRequest("input '\(name)' data[\(k)] is \(describe(item)), expected an \(type) integer")
            }
            out.append(Int(v))
        }
        return out
    }
}

/// CSR rows appended entry by entry; each finished row is sorted by column when it came unsorted
/// and rejected when a column repeats.
struct SparseRowsBuilder {
    let cols: Int
    private var offsets: [Int]
    private var columns: [Int32]
    private var values: [Float]

    /// Reserves what the request actually holds (`rows` rows, `nonZeros` entries).
    init(cols: Int, rows: Int, nonZeros: Int) {
        self.cols = cols
        offsets = [0]
        offsets.reserveCapacity(rows + 1)
        columns = []
        columns.reserveCapacity(nonZeros)
        values = []
        values.reserveCapacity(nonZeros)
    }

    /// One entry of the current row; `column` is already known to lie in `0 ..< cols`.
    mutating func append(column: Int, value: Float) {
        columns.append(Int32(column))
        values.append(value)
    }

    /// Closes the current row.
    /// - Throws: 400 naming `place()` when a column appears twice.
    mutating func endRow(_ place: () -> String) throws {
        let lo = offsets[offsets.count - 1], hi = columns.count
        var ascending = true
        for k in lo..<max(lo, hi - 1) where columns[k] >= columns[k + 1] {
            ascending = false
            break
        }
        if !ascending {
            let order = (lo..<hi).sorted { columns[$0] < columns[$1] }
            let sortedColumns = order.map { columns[$0] }, sortedValues = order.map { values[$0] }
            columns.replaceSubrange(lo..<hi, with: sortedColumns)
            values.replaceSubrange(lo..<hi, with: sortedValues)
            for k in lo..<(hi - 1) where columns[k] == columns[k + 1] {
                throw ServingError.badRequest("\(place()): column \(columns[k]) appears more than once (each column at most once per row)")
            }
        }
        offsets.append(hi)
    }

    /// The finished `rows x cols` CSR matrix.
    func matrix() throws -> SparseMatrix {
        try SparseMatrix(rows: offsets.count - 1, cols: cols, rowOffsets: offsets, columnIndices: columns, values: values)
    }
}

extension BinaryReader {
    /// `count` little-endian signed integers of `width` bytes (4: INT32, 8: INT64).
    mutating func integers(_ count: Int, width: Int, byteCount: Int, input: String) throws -> [Int] {
        guard byteCount == count * width else {
            throw ServingError.badRequest("input '\(input)': binary_data_size is \(byteCount), expected \(count * width) (\(count) INT\(8 * width) values)")
        }
        guard byteCount <= bytes.count else {
            throw ServingError.badRequest("input '\(input)': binary_data_size is \(byteCount), only \(bytes.count) bytes of binary data remain")
        }
        var out = [Int](repeating: 0, count: count)
        let start = bytes.startIndex
        for k in 0..<count {
            var bits: UInt64 = 0
            for b in 0..<width { bits |= UInt64(bytes[start + width * k + b]) << (8 * b) }
            out[k] = width == 4 ? Int(Int32(truncatingIfNeeded: bits)) : Int(Int64(bitPattern: bits))
        }
        bytes = bytes[(start + byteCount)...]
        return out
    }
}
