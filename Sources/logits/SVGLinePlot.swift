import Foundation

/// A small, dependency-free SVG line plot: axes with "nice" ticks and labels, a title, several
/// series with a legend, and an optional dashed diagonal `y = x` (chance line of a ROC curve).
/// The output is deterministic (fixed number formatting, no timestamps) so files diff cleanly.
struct SVGLinePlot {
    struct Series {
        var name: String
        /// `(x, y)` points drawn in order; non-finite points are skipped.
        var points: [(x: Double, y: Double)]
        /// Draw as a thicker line (e.g. the micro average).
        var emphasized = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series] = []
    /// Fixed axis ranges; `nil` fits the data (with nice rounded ends).
    var xRange: ClosedRange<Double>? = nil
    var yRange: ClosedRange<Double>? = nil
    /// Draw the dashed diagonal from the lower-left to the upper-right corner.
    var diagonal = false

    var width = 760.0
    var height = 480.0
    private let left = 70.0, top = 44.0, bottom = 56.0, legendWidth = 230.0

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                          "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The SVG document.
    func render() -> String {
        let plotRight = width - legendWidth
        let plotBottom = height - bottom
        let finite = series.flatMap { $0.points }.filter { $0.x.isFinite && $0.y.isFinite }
        let xr = xRange ?? Self.niceRange(finite.map(\.x))
        let yr = yRange ?? Self.niceRange(finite.map(\.y))
        let xTicks = Self.ticks(xr), yTicks = Self.ticks(yr)
        func px(_ x: Double) -> Double { left + (x - xr.lowerBound) / max(xr.upperBound - xr.lowerBound, 1e-300) * (plotRight - left) }
        func py(_ y: Double) -> Double { plotBottom - (y - yr.lowerBound) / max(yr.upperBound - yr.lowerBound, 1e-300) * (plotBottom - top) }

        var s = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width, 0))" height="\(f(height, 0))" viewBox="0 0 \(f(width, 0)) \(f(height, 0))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect x="0" y="0" width="\(f(width, 0))" height="\(f(height, 0))" fill="white"/>
        <text x="\(f((left + plotRight) / 2, 1))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(Self.escape(title))</text>

        """
        // Grid and ticks.
        s += "<g class=\"grid\" stroke=\"#e5e5e5\" stroke-width=\"1\">\n"
        for t in xTicks { s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top))\" x2=\"\(f(px(t)))\" y2=\"\(f(plotBottom))\"/>\n" }
        for t in yTicks { s += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(plotRight))\" y2=\"\(f(py(t)))\"/>\n" }
        s += "</g>\n<g class=\"axes\" stroke=\"#333\" stroke-width=\"1\">\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(plotBottom))\" x2=\"\(f(plotRight))\" y2=\"\(f(plotBottom))\"/>\n"
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(plotBottom))\"/>\n"
        for t in xTicks { s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(plotBottom))\" x2=\"\(f(px(t)))\" y2=\"\(f(plotBottom + 5))\"/>\n" }
        for t in yTicks { s += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(t)))\" x2=\"\(f(left))\" y2=\"\(f(py(t)))\"/>\n" }
        s += "</g>\n<g class=\"tick-labels\" fill=\"#333\">\n"
        let xDigits = Self.decimals(for: xTicks), yDigits = Self.decimals(for: yTicks)
        for t in xTicks { s += "<text x=\"\(f(px(t)))\" y=\"\(f(plotBottom + 19))\" text-anchor=\"middle\">\(f(t, xDigits))</text>\n" }
        for t in yTicks { s += "<text x=\"\(f(left - 8))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(f(t, yDigits))</text>\n" }
        s += "</g>\n"
        s += "<text class=\"x-label\" x=\"\(f((left + plotRight) / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\" font-size=\"13\">\(Self.escape(xLabel))</text>\n"
        s += "<text class=\"y-label\" x=\"18\" y=\"\(f((top + plotBottom) / 2))\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 \(f((top + plotBottom) / 2)))\">\(Self.escape(yLabel))</text>\n"
        if diagonal {
            s += "<line class=\"diagonal\" x1=\"\(f(px(xr.lowerBound)))\" y1=\"\(f(py(yr.lowerBound)))\" x2=\"\(f(px(xr.upperBound)))\" y2=\"\(f(py(yr.upperBound)))\" stroke=\"#999\" stroke-width=\"1\" stroke-dasharray=\"5,4\"/>\n"
        }
        // Series, clipped to the plot area.
        s += "<clipPath id=\"plot-area\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotRight - left))\" height=\"\(f(plotBottom - top))\"/></clipPath>\n"
        s += "<g class=\"series\" clip-path=\"url(#plot-area)\" fill=\"none\">\n"
        for (i, sr) in series.enumerated() {
            let pts = sr.points.filter { $0.x.isFinite && $0.y.isFinite }.map { "\(f(px($0.x))),\(f(py($0.y)))" }
            let color = Self.palette[i % Self.palette.count]
            let widthAttr = sr.emphasized ? "2.8" : "1.6"
            let dash = sr.emphasized ? " stroke-dasharray=\"7,3\"" : ""
            s += "<polyline data-series=\"\(Self.escape(sr.name))\" stroke=\"\(color)\" stroke-width=\"\(widthAttr)\"\(dash) points=\"\(pts.joined(separator: " "))\"/>\n"
        }
        s += "</g>\n"
        // Legend.
        s += "<g class=\"legend\">\n"
        let lx = plotRight + 16
        let rowHeight = min(18.0, (plotBottom - top) / Double(max(series.count, 1)))
        for (i, sr) in series.enumerated() {
            let y = top + 8 + Double(i) * rowHeight
            let color = Self.palette[i % Self.palette.count]
            s += "<line x1=\"\(f(lx))\" y1=\"\(f(y))\" x2=\"\(f(lx + 22))\" y2=\"\(f(y))\" stroke=\"\(color)\" stroke-width=\"\(sr.emphasized ? "2.8" : "1.6")\"/>"
            s += "<text x=\"\(f(lx + 28))\" y=\"\(f(y + 4))\" font-size=\"\(rowHeight < 14 ? "9" : "11")\">\(Self.escape(sr.name))</text>\n"
        }
        s += "</g>\n</svg>\n"
        return s
    }

    /// Writes the document to `url`.
    func write(to url: URL) throws {
        try Data(render().utf8).write(to: url)
    }

    // MARK: - Helpers

    private func f(_ v: Double, _ digits: Int = 2) -> String { Self.format(v, digits) }

    static func format(_ v: Double, _ digits: Int) -> String {
        let s = String(format: "%.\(digits)f", v)
        return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A range covering `values`, rounded outward to the nice tick step.
    static func niceRange(_ values: [Double]) -> ClosedRange<Double> {
        guard var lo = values.min(), var hi = values.max() else { return 0...1 }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let step = niceStep(hi - lo)
        return (floor(lo / step) * step)...(ceil(hi / step) * step)
    }

    /// A step of 1, 2, 2.5 or 5 times a power of ten giving about five intervals over `span`.
    static func niceStep(_ span: Double) -> Double {
        let rough = span / 5
        let magnitude = pow(10, floor(log10(rough)))
        let n = rough / magnitude
        let nice: Double = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10
        return nice * magnitude
    }

    static func ticks(_ range: ClosedRange<Double>) -> [Double] {
        let step = niceStep(range.upperBound - range.lowerBound)
        guard step.isFinite, step > 0 else { return [range.lowerBound] }
        var out: [Double] = []
        var t = ceil(range.lowerBound / step - 1e-9) * step
        while t <= range.upperBound + step * 1e-9, out.count < 50 {
            out.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return out
    }

    /// Decimals needed to print the ticks distinctly.
    static func decimals(for ticks: [Double]) -> Int {
        guard ticks.count > 1 else { return 2 }
        let step = abs(ticks[1] - ticks[0])
        for d in 0...6 where abs(step * pow(10, Double(d)) - (step * pow(10, Double(d))).rounded()) < 1e-6 { return d }
        return 6
    }
}
