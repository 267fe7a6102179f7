import Foundation
import Logits
@testable import LogitsServing

/// Sparse request bodies and the committed sparse fixture (`Tests/Fixtures/sparse`).
enum SparseBodies {
    /// `Tests/Fixtures/sparse/bibtex-256.arff` (1836 binary features, 159 labels).
    static let bibtexPath = CLIPaths.packageRoot.appendingPathComponent("Tests/Fixtures/sparse/bibtex-256.arff").path

    /// The fixture as CSR and dense (`LoadOptions.storage`).
    static func bibtex() throws -> (sparse: Dataset, dense: Dataset) {
        var options = LoadOptions(labels: .trailing(159))
        options.storage = .sparse
        let sparse = try Dataset.load(from: bibtexPath, options: options)
        options.storage = .dense
        return (sparse, try Dataset.load(from: bibtexPath, options: options))
    }

    /// The CSR tensors of `x`: `indptr` and `indices` as `indexType` (INT32/INT64), `data` FP32, JSON.
    static func csr(_ x: SparseMatrix, indexType: String = "INT64", extra: String = "") -> String {
        let indptr = x.rowOffsets.map(String.init).joined(separator: ",")
        let indices = x.columnIndices.map { String($0) }.joined(separator: ",")
        let data = x.values.map { "\($0)" }.joined(separator: ",")
        return "{\"inputs\":[{\"name\":\"indptr\",\"shape\":[\(x.rows + 1)],\"datatype\":\"\(indexType)\",\"data\":[\(indptr)]},"
            + "{\"name\":\"indices\",\"shape\":[\(x.nnz)],\"datatype\":\"\(indexType)\",\"data\":[\(indices)]},"
            + "{\"name\":\"data\",\"shape\":[\(x.nnz)],\"datatype\":\"FP32\",\"data\":[\(data)]}]\(extra)}"
    }

    /// `{"instances": [{"indices", "values"}, ...]}` of `x`; rows in `reversed` list their entries backwards.
    static func instances(_ x: SparseMatrix, reversed: Set<Int> = []) -> String {
        let rows = (0..<x.rows).map { r -> String in
            var entries = Array(zip(x.row(r).columns, x.row(r).values))
            if reversed.contains(r) { entries.reverse() }
            return "{\"indices\":[\(entries.map { String($0.0) }.joined(separator: ","))],\"values\":[\(entries.map { "\($0.1)" }.joined(separator: ","))]}"
        }
        return "{\"instances\":[\(rows.joined(separator: ","))]}"
    }

    /// The dense `[N, D]` tensor body of `x`.
    static func dense(_ x: Matrix) -> String {
        "{\"inputs\":[{\"name\":\"features\",\"shape\":[\(x.rows),\(x.cols)],\"datatype\":\"FP32\",\"data\":[\(x.storage.map { "\($0)" }.joined(separator: ","))]}]}"
    }

    /// The CSR tensors of `x` with the binary tensor extension: `indptr` INT32, `indices` INT64,
    /// `data` FP32 (little-endian), in the order `data`, `indptr`, `indices`.
    /// - Returns: the body and the JSON header's length.
    static func binaryCSR(_ x: SparseMatrix) -> (body: [UInt8], jsonLength: Int) {
        func bytes<T: FixedWidthInteger>(_ v: T) -> [UInt8] { (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let dataBytes = x.values.flatMap { bytes($0.bitPattern) }
        let indptrBytes = x.rowOffsets.flatMap { bytes(Int32($0)) }
        let indexBytes = x.columnIndices.flatMap { bytes(Int64($0)) }
        let header = "{\"inputs\":[{\"name\":\"data\",\"shape\":[\(x.nnz)],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":\(dataBytes.count)}},"
            + "{\"name\":\"indptr\",\"shape\":[\(x.rows + 1)],\"datatype\":\"INT32\",\"parameters\":{\"binary_data_size\":\(indptrBytes.count)}},"
            + "{\"name\":\"indices\",\"shape\":[\(x.nnz)],\"datatype\":\"INT64\",\"parameters\":{\"binary_data_size\":\(indexBytes.count)}}]}"
        let json = Array(header.utf8)
        return (json + dataBytes + indptrBytes + indexBytes, json.count)
    }

    /// max |a - b| / max |b| (0 when both are zero).
    static func relative(_ a: [Float], _ b: [Float]) -> Float {
        var diff: Float = 0, scale: Float = 0
        for (x, y) in zip(a, b) {
            diff = max(diff, abs(x - y))
            scale = max(scale, abs(y))
        }
        return scale == 0 ? diff : diff / scale
    }
}
