import ArgumentParser
import Foundation
import Logits

/// `logits-bench load`: load time and peak memory of the data loaders on the real files.
///
/// Each data set is measured in a fresh child process (this executable re-run with `--child`),
/// so `peak_rss_mb` is that process's own peak resident set (`VmHWM` from /proc/self/status,
/// `ru_maxrss` elsewhere) after one load: it includes the process baseline (`baseline_rss_mb`,
/// measured before loading) and any transient buffers. `seconds` is the best of `--repeat`
/// loads in that child (file cache warm after the first); `cpu_seconds` the best process CPU
/// time (user + system) of those loads, which other jobs on the machine disturb less.
struct LoadBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load time and peak RSS for delicious (sparse ARFF) and Fashion-MNIST (IDX gz), one child process per data set.")

    @Flag(help: "Print JSON lines {\"dataset\",\"seconds\",\"peak_rss_mb\",...}.") var json = false
    @Option(help: "The shared data folder (default: ../shared/data, searched upwards from here).") var data: String?
    @Option(help: "Timed loads per data set (best is reported).") var `repeat` = 5
    @Option(help: "Comma-separated data sets: delicious, fashion-mnist, bibtex, yeast, mnist.") var datasets = "delicious,fashion-mnist,bibtex,mnist"
    @Option(help: .hidden) var child: String?

    static let files: [String: String] = [
        "delicious": "delicious/delicious-train.arff",
        "bibtex": "bibtex/bibtex-train.arff",
        "yeast": "yeast/yeast-train.arff",
        "fashion-mnist": "fashion-mnist/train-images-idx3-ubyte.gz",
        "mnist": "mnist/train-images-idx3-ubyte.gz",
    ]

    func run() throws {
        let folder = try dataFolder()
        if let child {
            try measure(child, folder: folder)
            return
        }
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        if !json {
            print("dataset         rows x cols     labels  seconds  cpu s    peak RSS MB  baseline MB  matrices MB  (peak-baseline)/matrices")
        }
        for name in datasets.split(separator: ",").map(String.init) {
            guard Self.files[name] != nil else { throw ValidationError("unknown data set '\(name)'") }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = ["load", "--child", name, "--data", folder, "--repeat", String(`repeat`)]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0,
                  let line = String(data: output, encoding: .utf8)?.split(separator: "\n").last,
                  let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw ValidationError("child for \(name) failed (status \(process.terminationStatus))")
            }
            if json {
                print(line)
            } else {
                func num(_ key: String) -> Double { (object[key] as? Double) ?? Double(object[key] as? Int ?? 0) }
                let ratio = (num("peak_rss_mb") - num("baseline_rss_mb")) / num("matrices_mb")
                func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
                print(pad(name, 16) + pad("\(object["rows"] ?? 0) x \(object["cols"] ?? 0)", 16)
                      + String(format: "%6d  %7.3f  %7.3f  %11.1f  %11.1f  %11.1f  %.2f",
                               object["labels"] as? Int ?? 0, num("seconds"), num("cpu_seconds"), num("peak_rss_mb"),
                               num("baseline_rss_mb"), num("matrices_mb"), ratio))
            }
        }
    }

    /// Child mode: one load for the peak, then the timed repeats; prints one JSON line.
    private func measure(_ name: String, folder: String) throws {
        guard let relative = Self.files[name] else { throw ValidationError("unknown data set '\(name)'") }
        let path = (folder as NSString).appendingPathComponent(relative)
        let baseline = Self.peakRSSMegabytes()
        var start = Date()
        var cpuStart = Self.cpuSeconds()
        var ds = try Dataset.load(from: path)
        var best = Date().timeIntervalSince(start)
        var bestCPU = Self.cpuSeconds() - cpuStart
        let peak = Self.peakRSSMegabytes()
        let labelColumns: Int
        if case .matrix(let m) = ds.targets { labelColumns = m.cols } else { labelColumns = 0 }
        let featureBytes = ds.sparseFeatures?.byteCount ?? ds.features.count * MemoryLayout<Float>.size
        let matrices = Double(featureBytes + ds.count * labelColumns * MemoryLayout<Float>.size) / 1_048_576
        for _ in 1..<max(1, `repeat`) {
            start = Date()
            cpuStart = Self.cpuSeconds()
            ds = try Dataset.load(from: path)
            best = min(best, Date().timeIntervalSince(start))
            bestCPU = min(bestCPU, Self.cpuSeconds() - cpuStart)
        }
        let object: [String: Any] = [
            "dataset": name, "seconds": best, "cpu_seconds": bestCPU, "peak_rss_mb": peak, "baseline_rss_mb": baseline,
            "matrices_mb": matrices, "rows": ds.count, "cols": ds.featureCount, "labels": ds.labelNames.count,
            "peak_measure": "VmHWM of a fresh child process after one load",
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func dataFolder() throws -> String {
        if let data { return data }
        var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        for _ in 0..<6 {
            let candidate = url.appendingPathComponent("../shared/data").standardized
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("README.md").path) { return candidate.path }
            let inside = url.appendingPathComponent("shared/data")
            if FileManager.default.fileExists(atPath: inside.appendingPathComponent("README.md").path) { return inside.path }
            url.deleteLastPathComponent()
        }
        throw ValidationError("cannot find shared/data; pass --data")
    }

    /// CPU time of this process (user + system), seconds: robust when other jobs share the cores.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    /// Peak resident set size of this process in MB (`VmHWM`; `ru_maxrss` when /proc is absent).
    static func peakRSSMegabytes() -> Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
            return kb / 1024
        }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1_048_576
        #endif
    }
}
