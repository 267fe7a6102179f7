import Foundation
import Testing
@testable import Logits

@Suite struct ARFFLoaderTests {
    static let header = """
        % a comment
        @relation 'small test'

        @attribute a numeric
        @attribute 'b c' real
        @attribute colour {red,green,blue}
        @attribute L1 {0,1}
        @attribute L2 {0,1}
        @data

        """

    func load(_ body: String, name: String = "t.arff", options: LoadOptions = LoadOptions(labels: .trailing(2))) throws -> Dataset {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(body, name, in: dir)
        return try Dataset.load(from: path, options: options)
    }

    func error(_ body: String, options: LoadOptions = LoadOptions(labels: .trailing(2))) throws -> DataFileError {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(body, "bad.arff", in: dir)
        let thrown = DataTestSupport.dataError { try Dataset.load(from: path, options: options) }
        #expect(thrown != nil, "expected a DataFileError")
        let e = thrown ?? DataFileError(file: "", message: "")
        #expect(e.description.contains("bad.arff"), "message names the file: \(e)")
        return e
    }

    @Test func denseAndSparseRows() throws {
        let ds = try load(Self.header + """
            1.5, -2e-1, green, 1, 0
            % comment between rows
            {0 3.25,2 blue,4 1}
            {}
            0.1,'7',red,0,1
            """)
        #expect(ds.count == 4)
        // The 3-value nominal `colour` is one-hot encoded after loading (NominalLoadingTests).
        #expect(ds.featureNames == ["a", "b c", "colour=red", "colour=green", "colour=blue"])
        #expect(ds.labelNames == ["L1", "L2"])
        #expect(ds.task == .multiLabel(labels: 2))
        #expect(ds.features.nestedRows == [[1.5, -0.2, 0, 1, 0], [3.25, 0, 0, 0, 1], [0, 0, 1, 0, 0], [0.1, 7, 1, 0, 0]])
        guard case .matrix(let y) = ds.targets else { Issue.record("expected a label matrix"); return }
        #expect(y.nestedRows == [[1, 0], [0, 1], [0, 0], [0, 1]])
    }

    @Test func labelsByNamePrefixAndXMLKeepHeaderOrder() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(Self.header + "1,2,red,1,0\n", "set-train.arff", in: dir)
        // XML lists L2 before L1: header order wins.
        try DataTestSupport.write("""
            <?xml version="1.0" encoding="utf-8"?>
            <labels xmlns="http://mulan.sourceforge.net/labels">
            <label name="L2"></label>
            <label name="L1"></label>
            </labels>
            """, "set.xml", in: dir)
        let auto = try Dataset.load(from: path)
        #expect(auto.labelNames == ["L1", "L2"])
        #expect(auto.featureNames == ["a", "b c", "colour=red", "colour=green", "colour=blue"])
        let byName = try Dataset.load(from: path, options: LoadOptions(labels: .names(["L2", "L1"])))
        #expect(byName.labelNames == ["L1", "L2"])
        let byPrefix = try Dataset.load(from: path, options: LoadOptions(labels: .prefix("L")))
        #expect(byPrefix.labelNames == ["L1", "L2"])
        // Multi-class: the nominal colour attribute as the target.
        let mc = try Dataset.load(from: path, options: LoadOptions(labels: .names(["colour"])))
        #expect(mc.task == .multiClass(classes: 3))
        #expect(mc.labelNames == ["red", "green", "blue"])
        #expect(mc.targets == .classIndices([0]))
        #expect(mc.featureNames == ["a", "b c", "L1", "L2"])
    }

    @Test func decimalValuesMatchFloatString() throws {
        let values = ["0.0937", "-0.119156", "0.139771", "1e-7", "123456789.123", "-0.000001", "3.4028235e38", "7", ".5", "-2.", "0.30000000000000004"]
        let body = values.map { "\($0),0,red,0,0" }.joined(separator: "\n")
        let ds = try load(Self.header + body)
        for (i, text) in values.enumerated() {
            #expect(ds.features[i, 0] == Float(text)!, "value \(text)")
        }
    }

    @Test func wrongFieldCount() throws {
        let e = try error(Self.header + "1,2,red,0,1\n1,2,red,0\n")
        #expect(e.line == 11)
        #expect(e.description.contains(":11:"))
        #expect(e.message.contains("found 4 values; expected 5"))
        let more = try error(Self.header + "1,2,red,0,1,1\n")
        #expect(more.message.contains("expected 5"))
    }

    @Test func nonNumericValue() throws {
        let e = try error(Self.header + "1,abc,red,0,1\n")
        #expect(e.line == 10 && e.attribute == "b c" && e.column == 2)
        #expect(e.description.contains("non-numeric value \"abc\"; expected a number"))
    }

    @Test func nonFiniteRejectedOrAccepted() throws {
        let e = try error(Self.header + "nan,1,red,0,1\n")
        #expect(e.message.contains("non-finite") && e.attribute == "a")
        let inf = try error(Self.header + "1,-inf,red,0,1\n")
        #expect(inf.message.contains("non-finite"))
        let overflow = try error(Self.header + "1,1e39,red,0,1\n")
        #expect(overflow.message.contains("non-finite"))
        let ok = try load(Self.header + "nan,-inf,red,0,1\n",
                          options: LoadOptions(labels: .trailing(2), allowNonFinite: true))
        #expect(ok.features[0, 0].isNaN && ok.features[0, 1] == -.infinity)
    }

    @Test func labelValueOutOfRange() throws {
        let numericLabels = """
            @relation r
            @attribute x numeric
            @attribute y numeric
            @data
            1,2
            """
        let e = try error(numericLabels, options: LoadOptions(labels: .trailing(1)))
        #expect(e.line == 5 && e.attribute == "y" && e.message.contains("expected 0 or 1"))
        let nominal = try error(Self.header + "1,2,purple,0,1\n")
        #expect(nominal.message.contains("not a declared nominal value") && nominal.message.contains("{red,green,blue}"))
        let label = try error(Self.header + "1,2,red,0,2\n")
        #expect(label.attribute == "L2")
    }

    @Test func sparseIndexBeyondAttributesAndOrder() throws {
        let e = try error(Self.header + "{0 1,5 1}\n")
        #expect(e.line == 10 && e.message.contains("sparse index 5 is beyond the 5 declared attributes"))
        let order = try error(Self.header + "{3 1,1 2}\n")
        #expect(order.message.contains("strictly ascending"))
        let repeated = try error(Self.header + "{1 1,1 2}\n")
        #expect(repeated.message.contains("strictly ascending"))
        let unclosed = try error(Self.header + "{1 1,3 1\n")
        #expect(unclosed.message.contains("not closed"))
        let malformed = try error(Self.header + "{x 1}\n")
        #expect(malformed.message.contains("INDEX VALUE"))
    }

    @Test func duplicateAttribute() throws {
        let e = try error("""
            @relation r
            @attribute a numeric
            @attribute a numeric
            @attribute L {0,1}
            @data
            1,2,0
            """, options: LoadOptions(labels: .trailing(1)))
        #expect(e.line == 3 && e.attribute == "a" && e.message.contains("duplicate attribute"))
    }

    @Test func headerProblems() throws {
        let empty = try error("")
        #expect(empty.message.contains("empty file"))
        let onlyComments = try error("% nothing\n\n")
        #expect(onlyComments.message.contains("empty file"))
        let noData = try error("@relation r\n@attribute a numeric\n@attribute L {0,1}\n")
        #expect(noData.message.contains("before @data"))
        let noRows = try error(Self.header)
        #expect(noRows.message.contains("no data rows"))
        let badType = try error("@relation r\n@attribute a string\n@data\nx\n")
        #expect(badType.line == 2 && badType.message.contains("unsupported type"))
        let junk = try error("@relation r\nhello\n")
        #expect(junk.line == 2 && junk.message.contains("expected @relation, @attribute or @data"))
        let missing = try error(Self.header + "?,1,red,0,1\n")
        #expect(missing.message.contains("missing value"))
        let tooManyLabels = try error(Self.header + "1,2,red,0,1\n", options: LoadOptions(labels: .trailing(5)))
        #expect(tooManyLabels.message.contains("trailing labels"))
        let unknownName = try error(Self.header + "1,2,red,0,1\n", options: LoadOptions(labels: .names(["nope"])))
        #expect(unknownName.message.contains("not an attribute"))
        let noSpec = try error(Self.header + "1,2,red,0,1\n", options: LoadOptions())
        #expect(noSpec.message.contains("cannot tell which attributes are labels"))
    }

    @Test func sizeLimit() throws {
        let e = try error(Self.header + "1,2,red,0,1\n1,2,red,0,1\n",
                          options: LoadOptions(labels: .trailing(2), maxDenseElements: 9))
        #expect(e.message.contains("dense size limit"))
    }
}

@Suite struct CompressedTextTests {
    @Test func gzippedTextFilesLoadLikePlainOnes() throws {
        let dir = try DataTestSupport.tempDirectory()
        let arff = ARFFLoaderTests.header + "1.5,-2e-1,green,1,0\n{0 3.25,2 blue,4 1}\n"
        try DataTestSupport.write(bytes: try Gzip.compress(Array(arff.utf8)), "set-train.arff.gz", in: dir)
        try DataTestSupport.write("<labels xmlns=\"http://mulan.sourceforge.net/labels\"><label name=\"L1\"/><label name=\"L2\"/></labels>", "set.xml", in: dir)
        let plain = try Dataset.load(from: try DataTestSupport.write(arff, "plain.arff", in: dir), options: LoadOptions(labels: .trailing(2)))
        let gz = try Dataset.load(from: dir.appendingPathComponent("set-train.arff.gz").path)  // XML found beside it
        #expect(gz == plain)
        let svm = "1,0 1:0.5\n2 3:1\n"
        try DataTestSupport.write(bytes: try Gzip.compress(Array(svm.utf8)), "d.svm.gz", in: dir)
        #expect(try Dataset.load(from: dir.appendingPathComponent("d.svm.gz").path)
                == Dataset.load(from: try DataTestSupport.write(svm, "d.svm", in: dir)))
        try DataTestSupport.write(bytes: Array(try Gzip.compress(Array(svm.utf8)).prefix(20)), "cut.svm.gz", in: dir)
        let e = DataTestSupport.dataError { try Dataset.load(from: dir.appendingPathComponent("cut.svm.gz").path) }
        #expect(e?.message.contains("truncated") == true)
        #expect(IDXLoader.fashionMNISTClassNames.count == 10)
    }
}

@Suite struct ByteOrderMarkTests {
    @Test func utf8BOMIsSkipped() throws {
        let dir = try DataTestSupport.tempDirectory()
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let arff = try DataTestSupport.write(bytes: bom + Array((ARFFLoaderTests.header + "1,2,red,0,1\n").utf8), "b.arff", in: dir)
        #expect(try Dataset.load(from: arff, options: LoadOptions(labels: .trailing(2))).count == 1)
        let svm = try DataTestSupport.write(bytes: bom + Array("1 1:2\n".utf8), "b.svm", in: dir)
        #expect(try Dataset.load(from: svm).features[0, 0] == 2)
        let csv = try DataTestSupport.write(bytes: bom + Array("a,label\n1,x\n".utf8), "b.csv", in: dir)
        #expect(try Dataset.load(from: csv).featureNames == ["a"])
    }
}
