import Foundation
import Testing
@testable import Logits

@Suite struct CSVLoaderTests {
    func load(_ text: String, options: LoadOptions = LoadOptions()) throws -> Dataset {
        let dir = try DataTestSupport.tempDirectory()
        return try Dataset.load(from: try DataTestSupport.write(text, "d.csv", in: dir), options: options)
    }

    func error(_ text: String, options: LoadOptions = LoadOptions()) throws -> DataFileError {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(text, "bad.csv", in: dir)
        let thrown = DataTestSupport.dataError { try Dataset.load(from: path, options: options) }
        #expect(thrown != nil, "expected a DataFileError")
        let e = thrown ?? DataFileError(file: "", message: "")
        #expect(e.description.contains("bad.csv"))
        return e
    }

    @Test func classColumn() throws {
        let ds = try load("a,label,\"b, quoted\"\n1.5,cat,2\n-3,dog,4e1\n0,cat,.25\n")
        #expect(ds.featureNames == ["a", "b, quoted"] && ds.labelNames == ["cat", "dog"])
        #expect(ds.features.nestedRows == [[1.5, 2], [-3, 40], [0, 0.25]])
        #expect(ds.targets == .classIndices([0, 1, 0]) && ds.task == .multiClass(classes: 2))
        let numeric = try load("x,target\n1,10\n2,9\n3,10\n")
        #expect(numeric.labelNames == ["9", "10"] && numeric.targets == .classIndices([1, 0, 1]))
    }

    @Test func labelSetColumn() throws {
        let ds = try load("x,y,tags\n1,2,electronics|laptop|gaming\n3,4,\n5,6,laptop\n",
                          options: LoadOptions(labels: .column("tags", separator: "|")))
        #expect(ds.labelNames == ["electronics", "gaming", "laptop"])
        #expect(ds.targets == .matrix(try Matrix([[1, 1, 1], [0, 0, 0], [0, 0, 1]])))
    }

    @Test func labelColumnsByPrefixNamesTrailing() throws {
        let text = "f1,tag_a,f2,tag_b\n0.5,1,2,0\n1,0,3,1\n"
        let byPrefix = try load(text, options: LoadOptions(labels: .prefix("tag_")))
        #expect(byPrefix.labelNames == ["tag_a", "tag_b"] && byPrefix.featureNames == ["f1", "f2"])
        #expect(byPrefix.targets == .matrix(try Matrix([[1, 0], [0, 1]])))
        let byNames = try load(text, options: LoadOptions(labels: .names(["tag_b", "tag_a"])))
        #expect(byNames == byPrefix)
        let trailing = try load(text, options: LoadOptions(labels: .trailing(1)))
        #expect(trailing.labelNames == ["tag_b"] && trailing.featureCount == 3)
        let binary = try load(text, options: LoadOptions(labels: .trailing(1), task: .binary))
        #expect(binary.task == .binary)
    }

    @Test func malformed() throws {
        let count = try error("a,b,label\n1,2,x\n1,2\n")
        #expect(count.line == 3 && count.message.contains("found 2 fields; expected 3"))
        let nonNumeric = try error("a,b,label\n1,zz,x\n")
        #expect(nonNumeric.line == 2 && nonNumeric.attribute == "b" && nonNumeric.column == 2)
        #expect(nonNumeric.message.contains("non-numeric value \"zz\""))
        let inf = try error("a,label\ninf,x\n")
        #expect(inf.message.contains("non-finite"))
        #expect(try load("a,label\ninf,x\n", options: LoadOptions(allowNonFinite: true)).features[0, 0] == .infinity)
        let label = try error("a,l\n1,2\n", options: LoadOptions(labels: .names(["l"])))
        #expect(label.message.contains("expected 0 or 1"))
        let duplicate = try error("a,a,label\n1,2,x\n")
        #expect(duplicate.line == 1 && duplicate.message.contains("duplicate column"))
        let empty = try error("")
        #expect(empty.message.contains("empty file"))
        let noRows = try error("a,label\n")
        #expect(noRows.message.contains("no data rows"))
        let noLabel = try error("a,b\n1,2\n")
        #expect(noLabel.message.contains("no column named label"))
        let missing = try error("a,b\n1,2\n", options: LoadOptions(labels: .names(["zz"])))
        #expect(missing.attribute == "zz" && missing.message.contains("no such column"))
        let unknownClass = try error("a,label\n1,x\n", options: LoadOptions(classNames: ["y"]))
        #expect(unknownClass.message.contains("not among"))
    }
}
