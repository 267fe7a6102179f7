import Foundation
import Hummingbird
import HummingbirdTesting
import Logits
@testable import LogitsServing
import Testing

/// Sparse rows in the infer request (CSR tensors and `{"indices", "values"}` instances), in
/// process: the same answers as the dense request and as `Classifier.logits` on CSR, and a 400
/// naming the problem for every bad sparse input.
@Suite("Serving sparse requests (in-process)", .serialized)
struct SparseRequestTests {
    /// The bibtex fixture trained on CSR (an uncentred standardizer: requests stay sparse) and on
    /// dense rows (the default recipe centres: sparse requests are densified batch by batch).
    struct Bibtex: Sendable {
        var sparseModel: Classifier
        var denseModel: Classifier
        var rows: SparseMatrix
    }

    static let bibtex: Result<Bibtex, any Error> = Result {
        let data = try SparseBodies.bibtex()
        var options = TrainingOptions()
        options.epochs = 2
        options.hidden = [32]
        options.dropout = 0
        options.weightDecay = 0.01
        let sparse = try TrainingRecipe(options: options).train(data.sparse)
        let dense = try TrainingRecipe(options: options).train(data.dense)
        guard let x = data.sparse.sparseFeatures else { throw TestFailure("bibtex-256 did not load as CSR") }
        return Bibtex(sparseModel: sparse.classifier, denseModel: dense.classifier, rows: x.gatherRows(Array(0..<24)))
    }

    let router = RouterTests()

    func postBytes(_ client: any TestClientProtocol, _ uri: String, _ body: [UInt8], jsonLength: Int) async throws -> (Int, String) {
        let name = try #require(HTTPFields.Element.Name("Inference-Header-Content-Length"))
        return try await client.execute(uri: uri, method: .post, headers: [name: "\(jsonLength)"], body: ByteBuffer(bytes: body)) { response in
            (response.status.code, String(buffer: response.body))
        }
    }

    /// The three forms of `x` (CSR JSON, CSR binary, instances with some rows unsorted) give the
    /// logits, probabilities and labels of `Classifier.logits` on the CSR rows, bit for bit;
    /// the dense request of the same rows gives logits within `tolerance` (0: bit for bit).
    func checkForms(_ classifier: Classifier, _ x: SparseMatrix, tolerance: Float) async throws {
        let z = try classifier.logits(.sparse(x))
        let p = classifier.probabilities(logits: z)
        let labels = try classifier.predictedIndices(logits: z).map { $0.map { classifier.labelNames[$0] }.joined(separator: "|") }
        try await router.withServer([("m", classifier)]) { client, _ in
            var answers: [(String, Int, String)] = []
            for (what, body) in [("CSR INT64", SparseBodies.csr(x)), ("CSR INT32", SparseBodies.csr(x, indexType: "INT32")),
                                 ("instances", SparseBodies.instances(x, reversed: [0, 3]))] {
                let (status, text) = try await router.post(client, "/v2/models/m/infer", body)
                answers.append((what, status, text))
            }
            let binary = SparseBodies.binaryCSR(x)
            let (status, text) = try await postBytes(client, "/v2/models/m/infer", binary.body, jsonLength: binary.jsonLength)
            answers.append(("CSR binary", status, text))
            for (what, status, text) in answers {
                #expect(status == 200, "\(what): \(text.prefix(300))")
                let out = try DecodedOutputs(text)
                #expect(out.shapes["logits"] == [x.rows, classifier.outputCount], "\(what)")
                #expect(out.floats["logits"] == z.storage, "\(what): logits differ from Classifier.logits on CSR")
                #expect(out.floats["probabilities"] == p.storage, "\(what)")
                #expect(out.strings["labels"] == labels, "\(what)")
            }
            let (ds, dt) = try await router.post(client, "/v2/models/m/infer", SparseBodies.dense(try x.toDense()))
            #expect(ds == 200, "\(dt.prefix(300))")
            let dense = try DecodedOutputs(dt)
            let zd = try #require(dense.floats["logits"])
            if tolerance == 0 {
                #expect(zd == z.storage, "the dense request differs from the sparse one")
                #expect(dense.strings["labels"] == labels)
            } else {
                let rel = SparseBodies.relative(zd, z.storage)
                #expect(rel <= tolerance, "dense vs sparse request: relative difference \(rel)")
                #expect(SparseBodies.relative(try #require(dense.floats["probabilities"]), p.storage) <= tolerance)
            }
        }
    }

    @Test("a model trained on CSR (bibtex-256): sparse requests equal Classifier.logits on CSR, and the dense request within 1e-5")
    func sparseTrained() async throws {
        let bibtex = try Self.bibtex.get()
        // Binary columns centred by default (x - p), applied in the first layer: rows stay sparse.
        #expect(bibtex.sparseModel.standardizer?.sparseInputShift != nil)
        var x = bibtex.rows
        // An all-zero row too (a document with no known term).
        try x.appendRows(of: SparseMatrix(rows: 1, cols: x.cols, rowOffsets: [0, 0], columnIndices: [], values: []))
        try await checkForms(bibtex.sparseModel, x, tolerance: 1e-5)
    }

    @Test("a dense-trained (centring) model: sparse requests (centred in the first layer) equal the dense request within 1e-5")
    func denseTrained() async throws {
        let bibtex = try Self.bibtex.get()
        #expect(bibtex.denseModel.standardizer?.isUncentred == false)
        try await checkForms(bibtex.denseModel, bibtex.rows, tolerance: 1e-5)
        // The small 3-feature fixtures: a centring standardizer, and none at all (kept sparse).
        let rows = try SparseMatrix(dense: Matrix([[0.5, 0, 2], [0, 0, 0], [-3, 0, 1.5], [0, -2, 0]]))
        let base = try Fixtures.multiClass()
        let centring = try Classifier(network: base.network, task: base.task, labelNames: base.labelNames, featureNames: base.featureNames,
                                      standardizer: Standardizer(mean: [0.25, -0.5, 1], scale: [2, 0.5, 1.5]))
        try await checkForms(centring, rows, tolerance: 1e-5)
        try await checkForms(try Fixtures.multiLabel(), rows, tolerance: 1e-5)
    }

    @Test("wide models (D = 186 104 and 100 000): sparse requests of 100 rows, uncentred or centred in the first layer, never densified")
    func wideModels() async throws {
        /// 100 rows of 40 non-zeros each (columns spread over all of `0 ..< d`, row 7 empty).
        func rows(_ d: Int) throws -> SparseMatrix {
            var offsets = [0], columns: [Int32] = [], values: [Float] = []
            for r in 0..<100 {
                if r != 7 {
                    let picked = Set((0..<40).map { k in (r * 7919 + k * 104_729 + k * k * 31) % d })
                    for c in picked.sorted() {
                        columns.append(Int32(c))
                        values.append(Float((c + r) % 13) * 0.25 - 1.5)
                    }
                }
                offsets.append(columns.count)
            }
            return try SparseMatrix(rows: 100, cols: d, rowOffsets: offsets, columnIndices: columns, values: values)
        }
        // EUR-Lex's width, a sparse-trained (uncentred) model: nothing 100 x D is built.
        let eurlex = 186_104
        let sparseNet = try MLP(spec: MLPSpec(inputs: eurlex, hidden: [8], outputs: 16), seed: 3)
        let uncentred = try Classifier(network: sparseNet, task: .multiLabel(labels: 16), labelNames: (0..<16).map { "l\($0)" },
                                       standardizer: Standardizer(mean: [Float](repeating: 0, count: eurlex),
                                                                  scale: (0..<eurlex).map { Float(1 + $0 % 3) }))
        let x = try rows(eurlex)
        // A centring model of 100 000 features: the shift is applied in the first layer.
        let wide = 100_000
        let denseNet = try MLP(spec: MLPSpec(inputs: wide, hidden: [4], outputs: 3), seed: 4)
        let centring = try Classifier(network: denseNet, task: .multiClass(classes: 3), labelNames: ["a", "b", "c"],
                                      standardizer: Standardizer(mean: [Float](repeating: 0.1, count: wide),
                                                                 scale: [Float](repeating: 2, count: wide)))
        let y = try rows(wide)
        try await router.withServer([("eurlex", uncentred), ("wide", centring)]) { client, _ in
            for (name, model, rows) in [("eurlex", uncentred, x), ("wide", centring, y)] {
                let (status, text) = try await router.post(client, "/v2/models/\(name)/infer", SparseBodies.csr(rows))
                #expect(status == 200, "\(name): \(text.prefix(300))")
                let z = try #require(try DecodedOutputs(text).floats["logits"])
                #expect(z == (try model.logits(.sparse(rows))).storage, "\(name): differs from Classifier.logits on CSR")
                let dense = try model.logits(rows.toDense())
                #expect(SparseBodies.relative(z, dense.storage) <= 1e-5, "\(name): differs from the dense rows")
            }
        }
    }

    @Test("every bad sparse input is a 400 naming the row or field and what was expected")
    func badSparseInputs() async throws {
        @Sendable func csr(_ indptr: String, _ indices: String, _ data: String, shapes: (Int, Int, Int)? = nil,
                 types: (String, String, String) = ("INT64", "INT64", "FP32")) -> String {
            @Sendable func count(_ s: String) -> Int { s.isEmpty ? 0 : s.split(separator: ",").count }
            let (a, b, c) = shapes ?? (count(indptr), count(indices), count(data))
            return "{\"inputs\":[{\"name\":\"indptr\",\"shape\":[\(a)],\"datatype\":\"\(types.0)\",\"data\":[\(indptr)]},"
                + "{\"name\":\"indices\",\"shape\":[\(b)],\"datatype\":\"\(types.1)\",\"data\":[\(indices)]},"
                + "{\"name\":\"data\",\"shape\":[\(c)],\"datatype\":\"\(types.2)\",\"data\":[\(data)]}]}"
        }
        func rows(_ rows: String...) -> String { "{\"instances\":[\(rows.joined(separator: ","))]}" }
        let cases: [(String, String, String)] = [
            // CSR tensors
            ("column out of range", csr("0,2", "0,3", "1,2"), "input 'indices'[1] (row 0) is 3, expected a column in 0..<3"),
            ("negative column", csr("0,1,2", "0,-1", "1,2"), "input 'indices'[1] (row 1) is -1, expected a column in 0..<3"),
            ("huge column", csr("0,1", "1e18", "1"), "input 'indices' data[0] is 1e+18, expected an INT64 integer"),
            ("fractional column", csr("0,1", "1.5", "1"), "input 'indices' data[0] is 1.5, expected an INT64 integer"),
            ("INT32 overflow", csr("0,1", "3000000000", "1", types: ("INT64", "INT32", "FP32")), "input 'indices' data[0] is 3000000000, expected an INT32 integer"),
            ("repeated column", csr("0,3", "2,0,2", "1,2,3"), "row 0 of the CSR inputs: column 2 appears more than once"),
            ("indptr not from 0", csr("1,2", "0,1", "1,2"), "input 'indptr' starts at 1, expected 0"),
            ("indptr decreasing", csr("0,2,1,2", "0,1", "1,2"), "input 'indptr' decreases at row 1 (2 then 1)"),
            ("indptr short of nnz", csr("0,1", "0,1", "1,2"), "input 'indptr' ends at 1, expected 2 (the length of 'indices' and 'data')"),
            ("indices vs data length", csr("0,2", "0,1", "1,2,3"), "input 'indices' has shape [2], input 'data' [3]; expected the same length"),
            ("data shorter than its shape", csr("0,2", "0,1", "1", shapes: (2, 2, 2)), "input 'data' has 1 values in 'data', its shape needs 2"),
            ("indices shorter than its shape", csr("0,2", "0", "1,2", shapes: (2, 2, 2)), "input 'indices' has 1 values in 'data', its shape needs 2"),
            ("NaN value", csr("0,2", "0,1", "1,NaN"), "input 'data'[1] (row 0, column 1) is nan (features must be finite FP32 values)"),
            ("FP32 overflow", csr("0,1", "2", "1e39"), "input 'data'[0] (row 0, column 2) is inf"),
            ("float offsets", csr("0,1", "0", "1", types: ("FP32", "INT64", "FP32")), "input 'indptr' has datatype 'FP32', expected INT32 or INT64"),
            ("integer data", csr("0,1", "0", "1", types: ("INT64", "INT64", "INT64")), "input 'data' has datatype 'INT64', expected FP32"),
            ("no rows", csr("0", "", ""), "input 'indptr' has shape [1], expected [N + 1] with at least one row"),
            ("too many rows", csr("0", "", "", shapes: (6_000_000, 0, 0)), "has 5999999 rows, at most 1398101 per request for this model (3 outputs per row)"),
            ("2-D indices", "{\"inputs\":[{\"name\":\"indptr\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[0,1]},{\"name\":\"indices\",\"shape\":[1,1],\"datatype\":\"INT64\",\"data\":[0]},{\"name\":\"data\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}",
             "input 'indices' has shape [1, 1], expected a 1-D shape"),
            ("a fourth input", "{\"inputs\":[{\"name\":\"indptr\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[0,1]},{\"name\":\"indices\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[0]},{\"name\":\"data\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},{\"name\":\"shape\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[1,3]}]}",
             "sparse (CSR) inputs are exactly three, named indptr, indices and data; got 4: 'indptr', 'indices', 'data', 'shape'"),
            ("no data input", "{\"inputs\":[{\"name\":\"indptr\",\"shape\":[2],\"datatype\":\"INT64\",\"data\":[0,1]},{\"name\":\"indices\",\"shape\":[1],\"datatype\":\"INT64\",\"data\":[0]}]}",
             "sparse (CSR) inputs are exactly three, named indptr, indices and data; got 2"),
            // instances
            ("instance column out of range", rows("{\"indices\":[0,7],\"values\":[1,2]}"), "instances[0].indices[1] is 7, expected a column index in 0..<3 (this model has 3 features)"),
            ("instance lengths", rows("{\"indices\":[0],\"values\":[1]}", "{\"indices\":[0,1],\"values\":[1]}"), "instances[1] has 2 indices and 1 values, expected as many of each"),
            ("instance repeated column", rows("{\"indices\":[2,1,2],\"values\":[1,2,3]}"), "instances[0]: column 2 appears more than once"),
            ("instance NaN", rows("{\"indices\":[1],\"values\":[NaN]}"), "instances[0].values[0] is nan (features must be finite FP32 values)"),
            ("instance string value", rows("{\"indices\":[1],\"values\":[\"a\"]}"), "instances[0].values[0] is a string, expected an FP32 number"),
            ("instance fractional index", rows("{\"indices\":[0.5],\"values\":[1]}"), "instances[0].indices[0] is 0.5, expected an integer column index in 0..<3"),
            ("instance missing values", rows("{\"indices\":[1],\"values\":[1]}", "{\"indices\":[1]}"), "instances[1] has no 'values' array"),
            ("instance extra key", rows("{\"indices\":[1],\"values\":[1],\"shape\":[3]}"), "instances[0] has the key 'shape', a sparse row has only 'indices' and 'values'"),
            ("dense after sparse", rows("{\"indices\":[1],\"values\":[1]}", "[1,2,3]"), "instances[1] is an array, expected {\"indices\": [...], \"values\": [...]} like instances[0]"),
            ("sparse after dense", rows("{\"x\":1,\"y\":2,\"z\":3}", "{\"indices\":[1],\"values\":[1]}"), "instances[1] is a sparse row ({\"indices\", \"values\"}) but instances[0] is dense"),
        ]
        try await router.withServer([("m", try Fixtures.multiClass())]) { client, _ in
            for (what, body, fragment) in cases {
                let (status, text) = try await router.post(client, "/v2/models/m/infer", body)
                #expect(status == 400, "\(what): \(status) \(text)")
                #expect(errorMessage(text)?.contains(fragment) == true, "\(what): \(text)")
            }
            // A declared nnz of 2e8 with 1 value sent: refused by the count, nothing sized by the shape.
            let (status, text) = try await router.post(client, "/v2/models/m/infer", csr("0,1", "0", "1", shapes: (2, 200_000_000, 200_000_000)))
            #expect(status == 400)
            #expect(errorMessage(text)?.contains("has 1 values in 'data', its shape needs 200000000") == true, "\(text)")
            // Still serving, sparse and dense.
            #expect(try await router.post(client, "/v2/models/m/infer", csr("0,1,1", "2", "0.5")).0 == 200)
            #expect(try await router.post(client, "/v2/models/m/infer", Fixtures.tensorBody()).0 == 200)
        }
    }
}
