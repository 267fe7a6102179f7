import Foundation
import Testing
@testable import Logits

@Suite struct LIBSVMLoaderTests {
    func load(_ text: String, options: LoadOptions = LoadOptions()) throws -> Dataset {
        let dir = try DataTestSupport.tempDirectory()
        return try Dataset.load(from: try DataTestSupport.write(text, "d.svm", in: dir), options: options)
    }

    func error(_ text: String, options: LoadOptions = LoadOptions()) throws -> DataFileError {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(text, "bad.txt", in: dir)
        let thrown = DataTestSupport.dataError { try Dataset.load(from: path, options: options) }
        #expect(thrown != nil, "expected a DataFileError")
        let e = thrown ?? DataFileError(file: "", message: "")
        #expect(e.description.contains("bad.txt"))
        return e
    }

    @Test func multiLabelRows() throws {
        let ds = try load("""
            2,0 1:0.5 3:-1.25   # a comment
            1 2:1e-3

             4:2
            3 1:1
            """)
        #expect(ds.count == 4 && ds.featureCount == 4)
        #expect(ds.task == .multiLabel(labels: 4) && ds.labelNames == ["0", "1", "2", "3"])
        #expect(ds.featureNames == ["1", "2", "3", "4"])
        #expect(ds.features.nestedRows == [[0.5, 0, -1.25, 0], [0, Float("1e-3")!, 0, 0], [0, 0, 0, 2], [1, 0, 0, 0]])
        #expect(ds.targets == .matrix(try Matrix([[1, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])))
    }

    /// scikit-learn's `zero_based="auto"`: a file with index 0 reads zero-based, one without it
    /// one-based, and the feature names are the file's own indices either way.
    @Test func detectsTheIndexBase() throws {
        var auto = LoadOptions()
        auto.detectsFeatureIndexBase = true
        // What dump_svmlight_file writes by default (zero-based); the 0 comes late in the file.
        let zero = try load("1 2:2\n0 1:1\n1 0:0.5 2:1\n", options: auto)
        #expect(zero.featureNames == ["0", "1", "2"])
        #expect(zero.features.nestedRows == [[0, 0, 2], [0, 1, 0], [0.5, 0, 1]])
        let one = try load("1 1:1 3:2\n0 2:1\n", options: auto)
        #expect(one.featureNames == ["1", "2", "3"])
        #expect(one.features.nestedRows == [[1, 0, 2], [0, 1, 0]])
        #expect(try load("1 1:1 3:2\n0 2:1\n").features == one.features, "auto equals one-based on a one-based file")
        // A declared count: D is fine one-based, but not once a 0 shows the file is zero-based.
        let declared = try load("2 3 2\n0 3:1\n1 1:1\n", options: auto)
        #expect(declared.featureNames == ["1", "2", "3"] && declared.features[0, 2] == 1)
        let beyond = try error("2 3 2\n0 3:1\n1 0:1\n", options: auto)
        #expect(beyond.line == 2 && beyond.message.contains("zero-based") && beyond.message.contains("0...2"))
        let far = try error("2 3 2\n0 4:1\n1 1:1\n", options: auto)
        #expect(far.line == 2 && far.message.contains("1...3 (one-based) or 0...2 (zero-based)"))
        // Without detection, index 0 is still an error naming the flag's alternative.
        let strict = try error("1 0:1\n")
        #expect(strict.line == 1 && strict.message.contains("below the first index 1"))
    }

    @Test func headerLineAndOptions() throws {
        let ds = try load("3 5 4\n0,3 0:1 4:2\n1 2:3\n2\n", options: LoadOptions(featureIndexBase: 0))
        #expect(ds.count == 3 && ds.featureCount == 5 && ds.labelNames.count == 4)
        #expect(ds.features[0, 4] == 2 && ds.features[1, 2] == 3)
        let mismatch = try error("4 5 4\n0 1:1\n", options: LoadOptions())
        #expect(mismatch.line == 1 && mismatch.message.contains("announces 4 rows but the file has 1"))
        let widened = try load("1 1:1\n", options: LoadOptions(featureCount: 6, labelCount: 3))
        #expect(widened.featureCount == 6 && widened.labelNames.count == 3)
    }

    @Test func multiClassAndBinary() throws {
        let mc = try load("2 1:1\n0 2:1\n1 1:3\n", options: LoadOptions(task: .multiClass(classes: 3)))
        #expect(mc.targets == .classIndices([2, 0, 1]) && mc.task == .multiClass(classes: 3))
        let bin = try load("+1 1:1\n-1 1:2\n", options: LoadOptions(task: .binary))
        let expected = try Matrix([[1], [0]])
        #expect(bin.task == .binary && bin.targets == .matrix(expected))
        let two = try error("1,2 1:1\n", options: LoadOptions(task: .multiClass(classes: 3)))
        #expect(two.line == 1 && two.message.contains("found 2 labels; expected exactly one"))
        let out = try error("5 1:1\n", options: LoadOptions(task: .multiClass(classes: 3), labelCount: 3))
        #expect(out.message.contains("class index 5 is out of range"))
    }

    @Test func malformedRows() throws {
        let nonNumeric = try error("1 1:0.5\n0 2:abc\n")
        #expect(nonNumeric.line == 2 && nonNumeric.column == 1 && nonNumeric.message.contains("non-numeric value \"abc\""))
        let noColon = try error("1 1:0.5 7\n")
        #expect(noColon.message.contains("expected INDEX:VALUE"))
        let order = try error("1 3:1 2:1\n")
        #expect(order.message.contains("strictly ascending"))
        let zero = try error("1 0:1\n")
        #expect(zero.message.contains("below the first index 1"))
        let beyond = try error("1 9:1\n", options: LoadOptions(featureCount: 4))
        #expect(beyond.message.contains("feature index 9 is beyond the 4 declared features"))
        let label = try error("1,x 1:1\n")
        #expect(label.message.contains("expected a non-negative integer label"))
        let negative = try error("-3 1:1\n")
        #expect(negative.message.contains("negative"))
        let labelRange = try error("0 1:1\n7 1:1\n", options: LoadOptions(labelCount: 5))
        #expect(labelRange.line == 2 && labelRange.message.contains("label index 7 is out of range"))
        let nan = try error("1 1:nan\n")
        #expect(nan.message.contains("non-finite"))
        #expect(try load("1 1:nan\n", options: LoadOptions(allowNonFinite: true)).features[0, 0].isNaN)
        let trailingComma = try error("1, 1:1\n")
        #expect(trailingComma.message.contains("ends with ','"))
        let empty = try error("")
        #expect(empty.message.contains("empty file"))
        let onlyComments = try error("# nothing here\n")
        #expect(onlyComments.message.contains("empty file"))
        var dense = LoadOptions(maxDenseElements: 1000)
        dense.storage = .dense
        let big = try error("1 1000000:1\n", options: dense)
        #expect(big.message.contains("dense size limit"))
        // By default such a file is held as CSR: no N x D array, so the dense limit does not apply.
        let csr = try load("1 1000000:1\n", options: LoadOptions(maxDenseElements: 1000))
        #expect(csr.isSparse && csr.featureCount == 1_000_000 && csr.sparseFeatures?.nnz == 1)
    }
}

@Suite struct LIBSVMLimitTests {
    @Test func hugeIndicesAreErrorsNotTraps() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("999999999999999999 1:1\n", "huge.svm", in: dir)
        for options in [LoadOptions(), LoadOptions(task: .multiClass(classes: 1)), LoadOptions(labelCount: -3),
                        LoadOptions(task: .multiClass(classes: 1), labelCount: -3), LoadOptions(featureCount: -1)] {
            let e = DataTestSupport.dataError { try Dataset.load(from: path, options: options) }
            #expect(e != nil && e?.file == path)
        }
        let header = try DataTestSupport.write("1 4294967295 4294967295\n0 1:1\n", "header.svm", in: dir)
        #expect(DataTestSupport.dataError { try Dataset.load(from: header) }?.message.contains("dense size limit") == true)
    }
}
