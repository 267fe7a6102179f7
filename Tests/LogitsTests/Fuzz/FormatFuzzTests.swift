import Foundation
import Testing
@testable import Logits

/// The CI fuzz round: `FuzzHarness.iterations` mutated inputs per format (10 000 by default;
/// `LOGITS_FUZZ_ITERATIONS=100000 swift test --filter FormatFuzzTests` for a longer round).
/// Every input loads or throws the format's own error type (`DataFileError`, `ModelFileError`).
@Suite struct FormatFuzzTests {
    static let arffDense = """
        % fuzz seed
        @relation fuzz
        @attribute a numeric
        @attribute 'b b' real
        @attribute c {x,y,z}
        @attribute L1 {0,1}
        @attribute L2 {0,1}
        @data
        0.5,-1.25,x,1,0
        3e2,4,y,0,1
        '7',1,z,1,1

        """
    static let arffSparse = """
        @relation sparse
        @attribute f0 numeric
        @attribute f1 numeric
        @attribute f2 numeric
        @attribute f3 {a,b}
        @attribute L1 {0,1}
        @attribute L2 {0,1}
        @data
        {0 2.5,2 -1,3 b,4 1}
        {1 1e-3,5 1}
        {}
        {0 1,1 2,2 3,3 a,4 1,5 1}

        """
    static let libsvm = "2,0 1:0.5 3:-1.25\n1 2:1e-3 # c\n\n 4:2\n3 1:1\n"
    static let libsvmHeader = "3 5 4\n0,3 1:1 5:2\n1 2:0.5\n2 3:4\n"
    static let csvLabelled = "a,b,tags\n1.5,2,x|y\n-3,4e1,\n\"0\",.25,y\n"
    static let csvNumeric = "\u{FEFF}f1;f2;f3\r\n1;2;3\r\n4.5;-6;7e-1\r\n"
    static let csvTab = "1\t2\n3\t4\n"
    static let csvQuoted = "a,\"b \"\"q\"\"\",c\r\n1,\"2\",3\r\n\r\n4,5,6"
    static let mulanFlat = "<labels><label name='x'/><label name=\"y &lt; z\"></label></labels>"
    static let mulan = """
        <?xml version="1.0" encoding="utf-8"?>
        <labels xmlns="http://mulan.sourceforge.net/labels">
        <label name="L1"></label>
        <label name="L2"><label name="L2.a"/></label>
        <label name="a &amp; b"/>
        </labels>

        """

    /// Every seed is valid, so that mutations explore around loadable files.
    @Test func seedsLoad() throws {
        let trailing = LoadOptions(labels: .trailing(2))
        #expect(try ARFFLoader.parse(Data(Self.arffDense.utf8), path: "f.arff", options: trailing).count == 3)
        #expect(try ARFFLoader.parse(Data(Self.arffSparse.utf8), path: "s.arff", options: trailing).count == 4)
        for (text, rows) in [(Self.libsvm, 4), (Self.libsvmHeader, 3)] {
            #expect(try Data(text.utf8).withUnsafeBytes { try LIBSVMLoader.parse($0, file: "f.svm", options: LoadOptions()) }.count == rows)
        }
        #expect(try CSVLoader.parse(Data(Self.csvLabelled.utf8), path: "f.csv", options: LoadOptions(labels: .column("tags", separator: "|"))).count == 3)
        #expect(try NumericTable.parse(Data(Self.csvNumeric.utf8), source: "f.csv").rows == 2)
        #expect(try NumericTable.parse(Data(Self.csvTab.utf8), source: "f.csv").cols == 2)
        #expect(try NumericTable.parse(Data(Self.csvQuoted.utf8), source: "f.csv").header == ["a", "b \"q\"", "c"])
        #expect(try MulanLabelFile.labelNames(data: Data(Self.mulanFlat.utf8), path: "l.xml") == ["x", "y < z"])
        #expect(try MulanLabelFile.labelNames(data: Data(Self.mulan.utf8), path: "l.xml") == ["L1", "L2", "L2.a", "a & b"])
    }

    @Test func arffDense() {
        let r = FuzzHarness.run(format: "arff-dense", seeds: [Array(Self.arffDense.utf8)], seed: 1, file: "f.arff",
                                isExpected: { $0 is DataFileError }) { bytes in
            try FuzzHarness.check(try ARFFLoader.parse(Data(bytes), path: "f.arff", options: LoadOptions(labels: .trailing(2))))
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }

    @Test func arffSparse() {
        let r = FuzzHarness.run(format: "arff-sparse", seeds: [Array(Self.arffSparse.utf8)], seed: 2, file: "s.arff",
                                isExpected: { $0 is DataFileError }) { bytes in
            try FuzzHarness.check(try ARFFLoader.parse(Data(bytes), path: "s.arff", options: LoadOptions(labels: .trailing(2))))
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }

    @Test func libsvm() {
        let seeds = [Array(Self.libsvm.utf8), Array(Self.libsvmHeader.utf8)]
        var round = 0
        let r = FuzzHarness.run(format: "libsvm", seeds: seeds, seed: 3, file: "f.svm",
                                isExpected: { $0 is DataFileError }) { bytes in
            round += 1
            let options = round % 3 == 0 ? LoadOptions(task: .multiClass(classes: 0)) : LoadOptions()
            try FuzzHarness.check(try Data(bytes).withUnsafeBytes { try LIBSVMLoader.parse($0, file: "f.svm", options: options) })
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }

    @Test func csv() {
        let seeds = [Array(Self.csvLabelled.utf8), Array(Self.csvNumeric.utf8), Array(Self.csvTab.utf8), Array(Self.csvQuoted.utf8)]
        var round = 0
        let r = FuzzHarness.run(format: "csv", seeds: seeds, seed: 4, file: "f.csv",
                                isExpected: { $0 is DataFileError || $0 is MemoryBudgetError }) { bytes in
            let data = Data(bytes)
            // Odd inputs: the labelled loader; even ones: the strict numeric table.
            round += 1
            if round % 2 == 1 {
                try FuzzHarness.check(try CSVLoader.parse(data, path: "f.csv", options: LoadOptions(labels: .column("tags", separator: "|"))))
                return
            }
            let table = try NumericTable.parse(data, source: "f.csv")
            #expect(table.values.count == table.rows * table.cols && table.lines.count == table.rows)
            #expect(table.values.allSatisfy { $0.isFinite })
            if let header = table.header {
                #expect(header.count == table.cols)
                _ = try? table.features(names: header.reversed(), count: table.cols)
            }
            _ = try table.matrix()
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }

    @Test func idx() throws {
        let images = IDXLoaderTests.images
        let seeds = [images, try Gzip.compress(images), IDXLoaderTests.labels]
        let r = FuzzHarness.run(format: "idx", seeds: seeds, seed: 5, file: "-ubyte",
                                isExpected: { $0 is DataFileError }) { bytes in
            if bytes.count >= 4 && bytes[3] == 1 {
                // A labels file.
                let labels = try bytes.withUnsafeBytes { try IDXLoader.labels(in: $0, file: "t-labels-idx1-ubyte") }
                #expect(labels.allSatisfy { $0 >= 0 && $0 < 256 })
                return
            }
            let ds = try IDXLoader.decode(images: Data(bytes), file: "t-images-idx3-ubyte", classIndices: [7, 0, 9],
                                          labelsFile: "t-labels-idx1-ubyte", options: LoadOptions())
            try FuzzHarness.check(ds)
            #expect(ds.count == 3)
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }

    @Test func safetensorsModelFile() throws {
        let model = try MLP(spec: MLPSpec(inputs: 3, hidden: [4], outputs: 2, layerNorm: true), seed: 9)
        let file = try ModelFile(model: model, task: .multiClass(classes: 2), labelNames: ["no", "yes"],
                                 featureNames: ["a", "b", "c"],
                                 standardization: try Standardizer(mean: [0, 1, 2], scale: [1, 2, 3]),
                                 thresholds: [0, 0.5])
        let r = FuzzHarness.run(format: "safetensors", seeds: [try file.encode()], seed: 6, file: "m.safetensors",
                                isExpected: { $0 is ModelFileError }) { bytes in
            let decoded = try ModelFile.decode(bytes, path: "m.safetensors")
            let mlp = try decoded.makeMLP(path: "m.safetensors")
            #expect(mlp.inputCount == mlp.spec.inputs && mlp.outputCount == decoded.task.outputs)
            let logits = try mlp.logits(Matrix(rows: 1, cols: mlp.inputCount))
            #expect(logits.cols == decoded.task.outputs)
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }

    @Test func mulanXML() {
        let seeds = [Array(Self.mulan.utf8), Array(("\u{FEFF}" + Self.mulan).utf8), Array(Self.mulanFlat.utf8)]
        let r = FuzzHarness.run(format: "mulan-xml", seeds: seeds, seed: 7, file: "l.xml",
                                isExpected: { $0 is DataFileError }) { bytes in
            let names = try MulanLabelFile.labelNames(data: Data(bytes), path: "l.xml")
            #expect(!names.isEmpty && Set(names).count == names.count)
        }
        #expect(r.loaded > 0 && r.rejected > r.inputs / 10)
    }
}
