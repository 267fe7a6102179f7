import Testing
import LogitsMetrics

@Suite struct MetricValueJSONTests {
    @Test func booleansAreJSONLiterals() {
        let v = MetricValue.object([MetricEntry("stopped_early", .bool(true)), MetricEntry("refit", .bool(false))])
        let text = v.json
        #expect(text.contains("\"stopped_early\":true") || text.contains("\"stopped_early\": true"))
        #expect(text.contains("false"))
        #expect(!text.contains("\"true\""))
    }
}
