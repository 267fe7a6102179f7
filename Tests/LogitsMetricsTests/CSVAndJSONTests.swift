import Testing
@testable import LogitsMetrics

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
