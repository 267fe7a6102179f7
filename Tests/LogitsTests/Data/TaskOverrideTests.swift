import Foundation
import Testing
@testable import Logits

/// `LoadOptions.task` forces the task kind (its counts are placeholders, as the CLI passes them).
@Suite struct TaskOverrideTests {
    func load(_ text: String, _ name: String, _ options: LoadOptions) throws -> Dataset {
        let dir = try DataTestSupport.tempDirectory()
        return try Dataset.load(from: try DataTestSupport.write(text, name, in: dir), options: options)
    }

    func mat(_ rows: [[Float]]) -> Matrix { (try? Matrix(rows)) ?? Matrix(rows: 0, cols: 0) }

    static let arff = """
        @relation r
        @attribute x numeric
        @attribute L1 {0,1}
        @attribute L2 {0,1}
        @attribute colour {red,green,blue}
        @data
        1,1,0,blue
        2,0,1,red

        """

    @Test func multiLabelFromClassesIsOneHot() throws {
        let ds = try load(Self.arff, "a.arff", LoadOptions(labels: .names(["colour"]), task: .multiLabel(labels: 0)))
        #expect(ds.task == .multiLabel(labels: 3) && ds.labelNames == ["red", "green", "blue"])
        #expect(ds.targets == .matrix(mat([[0, 0, 1], [1, 0, 0]])))
        let csv = try load("a,label\n1,x\n2,y\n", "a.csv", LoadOptions(task: .multiLabel(labels: 0)))
        #expect(csv.task == .multiLabel(labels: 2) && csv.targets == .matrix(mat([[1, 0], [0, 1]])))
    }

    @Test func multiClassFromSingleLabelRows() throws {
        let ds = try load(Self.arff, "a.arff", LoadOptions(labels: .names(["L1", "L2"]), task: .multiClass(classes: 0)))
        #expect(ds.task == .multiClass(classes: 2) && ds.targets == .classIndices([0, 1]) && ds.labelNames == ["L1", "L2"])
        let csv = try load("a,tags\n1,x\n2,y\n", "a.csv", LoadOptions(labels: .column("tags", separator: "|"), task: .multiClass(classes: 0)))
        #expect(csv.targets == .classIndices([0, 1]))
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("a,tags\n1,x|y\n", "bad.csv", in: dir)
        let e = DataTestSupport.dataError {
            try Dataset.load(from: path, options: LoadOptions(labels: .column("tags", separator: "|"), task: .multiClass(classes: 0)))
        }
        #expect(e?.message.contains("2 positive labels; expected exactly one") == true && e?.file == path)
    }

    @Test func binary() throws {
        let ds = try load(Self.arff, "a.arff", LoadOptions(labels: .names(["L2"]), task: .binary))
        #expect(ds.task == .binary && ds.targets == .matrix(mat([[0], [1]])) && ds.labelNames == ["L2"])
        let two = try load("a,label\n1,no\n2,yes\n", "a.csv", LoadOptions(task: .binary))
        #expect(two.task == .binary && two.labelNames == ["yes"] && two.targets == .matrix(mat([[0], [1]])))
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("a,label\n1,x\n2,y\n3,z\n", "three.csv", in: dir)
        #expect(DataTestSupport.dataError { try Dataset.load(from: path, options: LoadOptions(task: .binary)) }?.message.contains("expected exactly two") == true)
    }
}
