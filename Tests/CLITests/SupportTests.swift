import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LogitsCLI

/// Collects element names and attributes of an SVG document; fails on malformed XML.
final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    /// The text content of each `<text>` element, in document order.
    var texts: [String] = []
    private var current = ""
    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text" { texts.append(current) }
        current = ""
    }

    static func parse(_ svg: String) -> SVGCollector? {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = SVGCollector()
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }
}

@Suite struct SVGLinePlotTests {
    func rocPlot() -> SVGLinePlot {
        var plot = SVGLinePlot(title: "ROC <test> & co", xLabel: "False positive rate", yLabel: "True positive rate")
        plot.series = [
            .init(name: "label 3 (AUC 0.912)", points: [(0, 0), (0.1, 0.6), (0.4, 0.9), (1, 1)]),
            .init(name: "micro (AUC 0.850)", points: [(0, 0), (0.2, 0.7), (.nan, 0.8), (1, 1)], emphasized: true),
        ]
        plot.xRange = 0...1
        plot.yRange = 0...1
        plot.diagonal = true
        return plot
    }

    @Test func wellFormedWithSeriesLegendAxes() throws {
        let svg = rocPlot().render()
        let doc = try #require(SVGCollector.parse(svg), "SVG must be well-formed XML")
        let polylines = doc.elements.filter { $0.name == "polyline" }
        #expect(polylines.map { $0.attributes["data-series"] } == ["label 3 (AUC 0.912)", "micro (AUC 0.850)"])
        // The NaN point is skipped: 3 points in the second series.
        #expect(polylines[1].attributes["points"]?.split(separator: " ").count == 3)
        #expect(polylines[0].attributes["points"]?.split(separator: " ").count == 4)
        #expect(doc.elements.contains { $0.name == "line" && $0.attributes["class"] == "diagonal" })
        #expect(doc.texts.contains("label 3 (AUC 0.912)"))
        #expect(doc.texts.contains("ROC <test> & co"))
        #expect(doc.texts.contains("False positive rate") && doc.texts.contains("True positive rate"))
        for tick in ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"] { #expect(doc.texts.filter { $0 == tick }.count == 2, "tick \(tick) on both axes") }
        #expect(svg == rocPlot().render(), "deterministic output")
    }

    @Test func niceTicks() {
        let unit = SVGLinePlot.ticks(0...1)
        #expect(unit.count == 6 && zip(unit, [0, 0.2, 0.4, 0.6, 0.8, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        let r = SVGLinePlot.niceRange([0.13, 0.92])
        #expect(r == 0...1)
        #expect(SVGLinePlot.ticks(1...30) == [10, 20, 30])
        #expect(SVGLinePlot.ticks(0...30) == [0, 10, 20, 30])
        #expect(SVGLinePlot.niceRange([1, 24]) == 0...25)
        #expect(SVGLinePlot.decimals(for: [0, 0.25, 0.5]) == 2)
        #expect(SVGLinePlot.decimals(for: [0, 5, 10]) == 0)
        #expect(SVGLinePlot.niceRange([]) == 0...1)
        #expect(SVGLinePlot.niceRange([2, 2]).contains(2))
    }
}

@Suite struct TextTableTests {
    @Test func alignsColumns() {
        var t = TextTable(["metric", "value"])
        t.add(["hamming_loss", "0.1932"])
        t.add(["f1_micro", "0.66"])
        let lines = t.render().split(separator: "\n").map(String.init)
        #expect(lines == [
            "metric         value",
            "------------  ------",
            "hamming_loss  0.1932",
            "f1_micro        0.66",
        ])
    }
}

@Suite struct ProgressReporterTests {
    @Test func plainLinesWhenNotATerminal() {
        var out = ""
        let p = ProgressReporter(totalEpochs: 12, isTerminal: false) { out += $0 }
        p.batch(epoch: 1, batch: 3, of: 10, loss: 0.5, samplesPerSecond: 1000, now: 1)
        #expect(out.isEmpty, "no bar when not a terminal")
        p.epochEnd(ProgressReporter.epochLine(epoch: 1, totalEpochs: 12, trainLoss: 0.51234, validation: [("val_loss", 0.4)],
                                              seconds: 0.25, samplesPerSecond: 18234, best: true))
        #expect(out == "epoch  1/12  loss 0.5123  val_loss 0.4000  0.25s  18.2k samples/s  *\n")
    }

    @Test func liveBarOnATerminal() {
        var out = ""
        let p = ProgressReporter(totalEpochs: 3, isTerminal: true) { out += $0 }
        p.batch(epoch: 2, batch: 5, of: 10, loss: 0.25, samplesPerSecond: 2_500_000, now: 1)
        #expect(out.hasPrefix("\repoch 2/3 [############------------]  5/10  loss 0.2500  2.50M samples/s  ETA"))
        p.batch(epoch: 2, batch: 6, of: 10, loss: 0.25, samplesPerSecond: 2_500_000, now: 1.01)
        #expect(out.components(separatedBy: "\r").count == 2, "throttled redraw")
        p.epochEnd("done")
        #expect(out.hasSuffix("\r\u{1B}[Kdone\n"))
    }
}
