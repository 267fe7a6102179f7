import Testing
@testable import LogitsMetrics

@Suite struct NumericCSVTests {
    @Test func parsesDecimalNumbersWithSpacesAndCRLF() throws {
        let csv = try NumericCSV.parse(" 1.5, -2e-3 ,3\r\n0,+4.25,1E2\n\n", name: "a.csv")
        #expect(csv.rows == 2 && csv.cols == 3)
        #expect(csv.values == [1.5, -0.002, 3, 0, 4.25, 100])
        #expect(try csv.scoreMatrix()[1, 2] == 100)
    }

    @Test func parsesShortestRoundTripDoublesExactly() throws {
        let xs = [0.1, 1.0 / 3, 2.5e-300, -123456.789e10, 0.8476]
        let csv = try NumericCSV.parse(xs.map { "\($0)" }.joined(separator: ","), name: "x")
        #expect(csv.values == xs)
    }

    @Test func rejectsBadFieldsWithRowAndColumn() {
        func failure(_ text: String) -> String {
            do { _ = try NumericCSV.parse(text, name: "f.csv"); return "no error" } catch { return "\(error)" }
        }
        #expect(failure("1,2\n3,x\n") == "f.csv, row 2, column 2: 'x' is not a number")
        #expect(failure("1,2\n3,0x1p3\n") == "f.csv, row 2, column 2: '0x1p3' is not a number")
        #expect(failure("1,,2\n") == "f.csv, row 1, column 2: empty field, expected a number")
        #expect(failure("1,2\n3\n") == "f.csv, row 2: 1 column, expected 2 as in the first row")
        #expect(failure("1,2\n\n3,4\n") == "f.csv, row 2: empty line inside the data")
        #expect(failure("1e999\n") == "f.csv, row 1, column 1: '1e999' is not a finite decimal number")
        #expect(failure("1-2\n") == "f.csv, row 1, column 1: '1-2' is not a finite decimal number")
        #expect(failure("\n\n") == "f.csv: no data rows")
        #expect(failure("nan\n") == "f.csv, row 1, column 1: 'nan' is not a number")
    }

    @Test func truthConversions() throws {
        let classes = try NumericCSV.parse("0\n2\n1\n", name: "t")
        #expect(try classes.classIndices(classes: 3) == [0, 2, 1])
        #expect(throws: CSVError(file: "t", row: 2, column: 1, message: "class 2.0 is not an integer in 0..<2 (the scores have 2 columns)")) {
            try classes.classIndices(classes: 2)
        }
        let ml = try NumericCSV.parse("0,1\n1,0.5\n", name: "m")
        #expect(throws: CSVError(file: "m", row: 2, column: 2, message: "0.5 is not 0 or 1")) { try ml.binaryMatrix() }
    }
}

@Suite struct MetricValueTests {
    @Test func writesNonFiniteAsStringsAndKeepsKeyOrder() {
        let v = MetricValue.object([
            MetricEntry("b", .number(.nan)), MetricEntry("a", .array([.number(.infinity), .number(-.infinity), .null, .integer(3)])),
            MetricEntry("s", .string("q\"\\\n")), MetricEntry("x", .number(0.1)),
        ])
        #expect(v.json == #"{"b":"nan","a":["inf","-inf",null,3],"s":"q\"\\\n","x":0.1}"#)
        #expect(v["x"] == .number(0.1))
        #expect(v.prettyJSON.hasPrefix("{\n  \"b\": \"nan\",\n"))
    }

    @Test func multiLabelBrierAndCalibration() throws {
        let y = try BinaryMatrix([[1, 0], [0, 1]])
        let p = try ScoreMatrix([[0.9, 0.2], [0.4, 0.6]])
        let brier = try multiLabelBrierScore(truth: y, probabilities: p)
        #expect(abs(brier - (0.01 + 0.04 + 0.16 + 0.16) / 4) < 1e-15)
        let c = try Calibration(truth: y, probabilities: p, binCount: 5)
        #expect(c.bins.map(\.count) == [1, 1, 1, 0, 1])
    }
}
