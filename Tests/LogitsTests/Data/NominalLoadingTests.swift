import Foundation
import Testing
@testable import Logits

/// Nominal ARFF feature attributes one-hot encoded at load (`Dataset.encodingNominalFeatures`)
/// and matched by name at prediction (`Classifier.align`).
@Suite struct NominalLoadingTests {
    /// 3-value `colour`, 2-value `size`, 40-value `id`, `{0,1}` `flag`, numeric `x`; 2 labels.
    static func arff(colours: String = "red,green,blue", rows: [String]) -> String {
        let ids = (0..<40).map { "P\($0)" }.joined(separator: ",")
        return """
        @relation nominal
        @attribute x numeric
        @attribute colour {\(colours)}
        @attribute size {small,large}
        @attribute id {\(ids)}
        @attribute flag {0,1}
        @attribute y1 {0,1}
        @attribute y2 {0,1}
        @data
        \(rows.joined(separator: "\n"))

        """
    }

    static let trainRows = ["0.5,red,small,P0,1,1,0", "1.5,green,large,P7,0,0,1", "-2,blue,small,P39,0,1,1",
                            "3,green,small,P3,1,0,0", "0,red,large,P1,0,1,0", "2,blue,large,P2,1,0,1"]

    @Test func encodesByCardinality() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write(Self.arff(rows: Self.trainRows), "train.arff", in: dir)
        let data = try Dataset.load(from: path, options: LoadOptions(labels: .trailing(2)))
        #expect(data.featureNames == ["x", "colour=red", "colour=green", "colour=blue", "size=small", "size=large", "flag"])
        #expect(data.features == (try Matrix([[0.5, 1, 0, 0, 1, 0, 1], [1.5, 0, 1, 0, 0, 1, 0], [-2, 0, 0, 1, 1, 0, 0],
                                              [3, 0, 1, 0, 1, 0, 1], [0, 1, 0, 0, 0, 1, 0], [2, 0, 0, 1, 0, 1, 1]])))
        #expect(data.warnings.count == 1 && data.warnings[0].contains("'id'") && data.warnings[0].contains("40 values"))
        #expect(data.nominalFeatures.isEmpty)
        #expect(data.targets == .matrix(try Matrix([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]])))

        var options = LoadOptions(labels: .trailing(2))
        options.oneHotLimit = 40
        #expect(try Dataset.load(from: path, options: options).featureCount == 7 + 40)
        options.oneHotLimit = 32
        options.requiredNominal = ["id"]
        let error = DataTestSupport.dataError { try Dataset.load(from: path, options: options) }
        #expect(error?.description.contains("'id'") == true && error?.description.contains("train.arff") == true)
    }

    /// `{0,1}` attributes (bibtex's 1836 features) keep their one column, name and values.
    @Test func binaryDigitAttributesStayOneColumn() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("""
            @relation b
            @attribute a {0,1}
            @attribute b {0,1}
            @attribute y {0,1}
            @data
            {0 1,2 1}
            {1 1}

            """, "b.arff", in: dir)
        let data = try Dataset.load(from: path, options: LoadOptions(labels: .trailing(1)))
        #expect(data.featureNames == ["a", "b"])
        #expect(data.features == (try Matrix([[1, 0], [0, 1]])))
        #expect(data.warnings.isEmpty)
    }

    /// CSV has no declared nominal attributes: nothing changes.
    @Test func csvIsUnaffected() throws {
        let dir = try DataTestSupport.tempDirectory()
        let path = try DataTestSupport.write("a,b,label\n1,2,x\n3,4,y\n", "t.csv", in: dir)
        let data = try Dataset.load(from: path)
        let expected = try Matrix([[1, 2], [3, 4]])
        #expect(data.featureNames == ["a", "b"] && data.features == expected && data.warnings.isEmpty)
    }

    /// Train, save, reload; a prediction file declaring the values in another order and one value
    /// the model never saw gives the training encoding by name (the unseen value: all zeros).
    @Test func trainPredictRoundTrip() throws {
        let dir = try DataTestSupport.tempDirectory()
        let options = LoadOptions(labels: .trailing(2))
        let train = try Dataset.load(from: try DataTestSupport.write(Self.arff(rows: Self.trainRows), "train.arff", in: dir), options: options)
        var recipeOptions = TrainingOptions()
        recipeOptions.epochs = 3
        recipeOptions.validationFraction = 0
        let trained = try TrainingRecipe(options: recipeOptions).train(train)
        let url = dir.appendingPathComponent("m.safetensors")
        try trained.classifier.write(to: url)
        let model = try Classifier.read(from: url)
        #expect(model.featureNames == train.featureNames)

        let other = try Dataset.load(from: try DataTestSupport.write(
            Self.arff(colours: "blue,purple,red,green", rows: ["0.5,red,small,P0,1,1,0", "1,purple,large,P5,0,0,1", "-2,blue,small,P9,0,1,1"]),
            "new.arff", in: dir), options: options)
        #expect(other.featureNames == ["x", "colour=blue", "colour=purple", "colour=red", "colour=green", "size=small", "size=large", "flag"])
        let aligned = try model.align(other, source: "new.arff")
        let expected = try Matrix([[0.5, 1, 0, 0, 1, 0, 1], [1, 0, 0, 0, 0, 1, 0], [-2, 0, 0, 1, 1, 0, 0]])
        #expect(aligned.features == expected)
        #expect(try model.logits(aligned.features) == (try model.logits(expected)))

        // An attribute the prediction file lacks altogether is still an error.
        let missing = try Dataset(features: try Matrix([[1, 0]]), targets: .matrix(try Matrix([[0, 1]])),
                                  featureNames: ["x", "colour=red"], labelNames: ["y1", "y2"])
        #expect(throws: LogitsError.self) { try model.align(missing, source: "partial") }
    }
}
