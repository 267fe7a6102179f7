import Testing
import LogitsMetrics

@Test func metricsLibraryLinks() {
    #expect(!LogitsMetricsLibrary.version.isEmpty)
}
