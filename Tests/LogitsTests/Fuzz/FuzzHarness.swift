import Foundation
import Testing
@testable import Logits

/// A seeded mutation fuzzer for the file readers.
///
/// Each input is one of a format's valid seed files with 1-4 random mutations (byte changes,
/// insertions and deletions, truncation, duplicated or moved blocks, "interesting" numbers such as
/// `4294967295` or `700000000`, extreme bytes in binary headers). Every input must either load
/// into a consistent result or throw the format's error type; it must never trap, and it runs
/// under a small memory budget (`budget`) so a size in a file can never make the reader allocate
/// more. The CPU time of each input (this thread's, so that a loaded machine does not make the
/// round flaky) is measured against `secondsPerKB`.
///
/// Iterations per format: `LOGITS_FUZZ_ITERATIONS` (default `defaultIterations`, the CI round).
struct FuzzHarness {
    /// Inputs per format in the CI round (all formats run well within 2 minutes in a debug
    /// build on 2 cores).
    static let defaultIterations = 10_000
    /// The memory budget during fuzzing.
    static let budget = 64 << 20
    /// Allowed time per input: 1 s per KB (at least 1 s).
    static let secondsPerKB = 1.0

    static var iterations: Int {
        ProcessInfo.processInfo.environment["LOGITS_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? defaultIterations
    }

    /// What one format's round found.
    struct Report: CustomStringConvertible {
        var format: String
        var inputs = 0
        var loaded = 0
        var rejected = 0
        var seconds = 0.0
        var cpuSeconds = 0.0
        var slowestSeconds = 0.0
        var slowestBytes = 0
        var largestInput = 0

        var description: String {
            String(format: "fuzz %@: %d inputs (%d loaded, %d rejected) in %.2f s wall, %.2f s CPU; slowest input %.2f ms CPU (%d bytes); largest input %d bytes",
                   format, inputs, loaded, rejected, seconds, cpuSeconds, slowestSeconds * 1000, slowestBytes, largestInput)
        }
    }

    static let interesting: [String] = [
        "0", "-1", "1", "4294967295", "2147483648", "700000000", "50000000", "18446744073709551616",
        "1e308", "-1e-320", "nan", "inf", "999999999999999999999", "\"", "'", "{", "}", ",", ";", "\t", "\r\n",
        "\u{FEFF}", "\0", "%", "@data", "&amp;", "<", ">", "&#0;", "]]>",
    ]

    /// One mutation of `bytes`.
    static func mutate(_ bytes: inout [UInt8], rng: inout SeededGenerator) {
        guard !bytes.isEmpty else {
            bytes = Array(interesting[rng.int(below: interesting.count)].utf8)
            return
        }
        let at = rng.int(below: bytes.count)
        switch rng.int(below: 10) {
        case 0: bytes[at] = UInt8(truncatingIfNeeded: rng.next())
        case 1: bytes[at] = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0x0A, 0x0D, 0x20][rng.int(below: 8)]
        case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
        case 3: bytes.remove(at: at)
        case 4: bytes.removeLast(bytes.count - at)
        case 5:
            let length = min(1 + rng.int(below: 16), bytes.count - at)
            bytes.insert(contentsOf: bytes[at..<(at + length)], at: rng.int(below: bytes.count))
        case 6:
            let length = min(1 + rng.int(below: 8), bytes.count - at)
            bytes.removeSubrange(at..<(at + length))
        case 7:
            bytes.insert(contentsOf: Array(interesting[rng.int(below: interesting.count)].utf8), at: at)
        case 8:
            // Replace a run of digits with an interesting number.
            var start = at
            while start > 0 && (bytes[start - 1] &- 48) < 10 { start -= 1 }
            var end = at
            while end < bytes.count && (bytes[end] &- 48) < 10 { end += 1 }
            let number = Array(interesting[rng.int(below: 9)].utf8)
            bytes.replaceSubrange(start..<max(start, end), with: number)
        default:
            // A big-endian / little-endian 32-bit field set to an extreme value.
            let value: [UInt8] = [[0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0x29, 0xB9, 0x27, 0x00]][rng.int(below: 4)]
            for k in 0..<4 where at + k < bytes.count { bytes[at + k] = value[k] }
        }
    }

    /// Runs `iterations` mutated inputs of `seeds` through `body`, which must return normally
    /// (the input loaded and was checked) or throw; `isExpected` tells whether an error is of
    /// the format's type. Records an issue for any other error, for an error whose text is not
    /// one printable line naming `file`, and for an input slower than `secondsPerKB`.
    static func run(format: String, seeds: [[UInt8]], seed: UInt64, file: String,
                    iterations: Int = FuzzHarness.iterations,
                    isExpected: (Error) -> Bool, _ body: ([UInt8]) throws -> Void) -> Report {
        // The process's one-time GEMM backend measurement (first use, slow in debug builds) is
        // not the cost of any input: pay it before the clock starts.
        _ = Gemm.shared
        var rng = SeededGenerator(seed: seed)
        var report = Report(format: format)
        // LOGITS_FUZZ_TRACE=DIR: each input is written to DIR/fuzz-FORMAT.input before it runs, so
        // the input of a crash is left there.
        let trace = ProcessInfo.processInfo.environment["LOGITS_FUZZ_TRACE"].map { URL(fileURLWithPath: $0) }
        let start = Date()
        MemoryBudget.withLimit(bytes: budget) {
            for _ in 0..<iterations {
                var input = seeds[rng.int(below: seeds.count)]
                for _ in 0..<(1 + rng.int(below: 4)) { mutate(&input, rng: &rng) }
                if let trace { try? Data(input).write(to: trace.appendingPathComponent("fuzz-\(format).input")) }
                let t0 = threadCPUSeconds()
                do {
                    try body(input)
                    report.loaded += 1
                } catch {
                    report.rejected += 1
                    if !isExpected(error) {
                        Issue.record("\(format): unexpected error type \(type(of: error)): \(error)")
                    }
                    let text = "\(error)"
                    if !text.contains(file) || text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                        Issue.record("\(format): error text is not one printable line naming \(file): \(text.debugDescription)")
                    }
                }
                let dt = threadCPUSeconds() - t0
                report.cpuSeconds += dt
                if dt > report.slowestSeconds {
                    report.slowestSeconds = dt
                    report.slowestBytes = input.count
                }
                report.largestInput = max(report.largestInput, input.count)
                if dt > max(1, secondsPerKB * Double(input.count) / 1024) {
                    Issue.record("\(format): input of \(input.count) bytes took \(dt) s CPU: \(Data(input).base64EncodedString().prefix(200))")
                }
                report.inputs += 1
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        print(report)
        return report
    }

    /// CPU time of the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Checks a loaded data set is consistent and within the fuzz budget.
    static func check(_ ds: Dataset) throws {
        #expect(ds.features.count == ds.count * ds.featureCount)
        #expect(ds.targets.count == ds.count && ds.count > 0)
        #expect(ds.featureNames.count == ds.featureCount)
        #expect(ds.task.outputCount == ds.labelNames.count || ds.task == .binary)
        switch ds.targets {
        case .classIndices(let y): #expect(y.allSatisfy { $0 >= 0 && $0 < ds.labelNames.count })
        case .matrix(let m): #expect(m.storage.allSatisfy { $0 == 0 || $0 == 1 } && m.cols == ds.labelNames.count)
        }
        let bytes = MemoryBudget.datasetBytes(rows: ds.count, features: ds.featureCount,
                                              targets: ds.targets.count == 0 ? 0 : ds.labelNames.count,
                                              names: ds.featureCount + ds.labelNames.count)
        #expect(bytes.map { $0 <= budget } == true, "loaded data set of \(String(describing: bytes)) bytes exceeds the fuzz budget")
    }
}
