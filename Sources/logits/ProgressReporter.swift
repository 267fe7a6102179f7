import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Training progress on standard error: on a terminal, a live bar per epoch redrawn in place
/// with `\r` (batches done, running loss, samples/s, ETA); otherwise (CI logs, pipes) one plain
/// line per epoch. Standard output stays free for the report (`--json`).
final class ProgressReporter {
    let isTerminal: Bool
    let totalEpochs: Int
    private let write: (String) -> Void
    private var lastDraw: Double = -1
    private var barVisible = false

    init(totalEpochs: Int, isTerminal: Bool = isatty(STDERR_FILENO) != 0,
         write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.totalEpochs = totalEpochs
        self.isTerminal = isTerminal
        self.write = write
    }

    /// One batch finished (`now`: seconds since the epoch started). Redraws the bar at most every
    /// 0.1 s and on the last batch.
    func batch(epoch: Int, batch: Int, of batches: Int, loss: Double, samplesPerSecond: Double, now: Double) {
        guard isTerminal else { return }
        guard batch == batches || now - lastDraw >= 0.1 else { return }
        lastDraw = now
        // Time per batch so far in this epoch, times the batches left in this epoch and in the
        // remaining epochs (an upper bound: early stopping may end sooner).
        let perBatch = batch > 0 ? now / Double(batch) : 0
        let remaining = perBatch * Double(batches - batch + batches * max(0, totalEpochs - epoch))
        write("\r" + Self.barLine(epoch: epoch, totalEpochs: totalEpochs, batch: batch, batches: batches, loss: loss,
                                  samplesPerSecond: samplesPerSecond, eta: remaining) + "\u{1B}[K")
        barVisible = true
    }

    /// One epoch finished: replaces the bar (terminal) or prints one line.
    func epochEnd(_ summary: String) {
        write((barVisible ? "\r\u{1B}[K" : "") + summary + "\n")
        barVisible = false
        lastDraw = -1
    }

    /// A free-form note (e.g. early stopping).
    func note(_ text: String) {
        write((barVisible ? "\r\u{1B}[K" : "") + text + "\n")
        barVisible = false
    }

    /// `epoch  3/30 [########------------]  12/24  loss 0.4123  18.2k samples/s  ETA 0.4s`
    static func barLine(epoch: Int, totalEpochs: Int, batch: Int, batches: Int, loss: Double,
                        samplesPerSecond: Double, eta: Double, width: Int = 24) -> String {
        let filled = batches > 0 ? min(width, batch * width / batches) : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let w = String(totalEpochs).count
        return "epoch \(pad(epoch, w))/\(totalEpochs) [\(bar)] \(pad(batch, String(batches).count))/\(batches)  loss \(fmt(loss))  \(rate(samplesPerSecond))  ETA \(fmt(eta, 1))s"
    }

    /// `epoch  3/30  loss 0.4123  val_loss 0.4012  val_lrap 0.7612  0.21s  18.2k samples/s  *`
    static func epochLine(epoch: Int, totalEpochs: Int, trainLoss: Double, validation: [(String, Double)],
                          seconds: Double, samplesPerSecond: Double, best: Bool) -> String {
        var s = "epoch \(pad(epoch, String(totalEpochs).count))/\(totalEpochs)  loss \(fmt(trainLoss))"
        for (name, value) in validation { s += "  \(name) \(fmt(value))" }
        s += "  \(fmt(seconds, 2))s  \(rate(samplesPerSecond))"
        if best { s += "  *" }
        return s
    }

    static func rate(_ r: Double) -> String {
        r >= 1e6 ? "\(fmt(r / 1e6, 2))M samples/s" : r >= 1e3 ? "\(fmt(r / 1e3, 1))k samples/s" : "\(fmt(r, 0)) samples/s"
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
