import CLogitsKernels
import Dispatch

/// Where the time of training steps goes: monotonic-clock accumulators of the calling thread,
/// filled by `Trainer.fit` (and `Gemm`) while profiling is on, and costing one flag read per batch
/// when off.
///
/// Phases of one step, in order: `data` (shuffled rows and targets gathered into the batch
/// buffers), the forward pass (`gemmForward`: the products, including their fused bias +
/// activation epilogue; `forwardOther`: everything else in forward, such as unfused activations,
/// LayerNorm, dropout), `loss` (loss and `d loss / d logits`), the backward pass (`gemmBackward`:
/// the weight- and input-gradient products; `backwardOther`: activation backward and bias
/// gradients), `optimizer` (clipping and the parameter update) and `other` (the rest of the
/// training loop: shuffling, validation, epoch bookkeeping). `total` is the wall time of `fit`.
///
/// Usage: `TrainingProfile.reset(); TrainingProfile.isEnabled = true; try trainer.fit(...)`, then
/// `TrainingProfile.snapshot()`, all on one thread (synchronous code). The flag and the
/// accumulators are per thread: trainings running at the same time on other threads are neither
/// profiled nor counted here.
public enum TrainingProfile {
    /// A profiled phase (its accumulator slot).
    public enum Phase: Int, CaseIterable, Sendable {
        case data, gemmForward, forwardOther, loss, gemmBackward, backwardOther, optimizer, other
        /// Wall time of whole `fit` calls.
        case total
        /// All GEMM calls (`Gemm.multiply`), whoever makes them (the forward / backward split is
        /// taken from this).
        case gemm

        /// A short label for tables.
        public var label: String {
            switch self {
            case .data: return "data gather"
            case .gemmForward: return "GEMM forward (+ fused bias/act)"
            case .forwardOther: return "other forward"
            case .loss: return "loss + gradient"
            case .gemmBackward: return "GEMM backward"
            case .backwardOther: return "activation bwd + bias grad"
            case .optimizer: return "optimizer"
            case .other: return "other (loop, shuffle)"
            case .total: return "total"
            case .gemm: return "all GEMM"
            }
        }
    }

    /// Whether the profile is being recorded on the calling thread.
    public static var isEnabled: Bool {
        get { logits_prof_flag() != 0 }
        set { logits_prof_set_enabled(newValue ? 1 : 0) }
    }

    /// Zeroes the calling thread's accumulators.
    public static func reset() { logits_prof_reset() }

    /// Seconds accumulated per phase since the last `reset`; `other` is `total` minus the
    /// step phases (never negative).
    public static func snapshot() -> [Phase: Double] {
        var out: [Phase: Double] = [:]
        for p in Phase.allCases { out[p] = Double(logits_prof_read(p.rawValue)) / 1e9 }
        let steps: [Phase] = [.data, .gemmForward, .forwardOther, .loss, .gemmBackward, .backwardOther, .optimizer]
        out[.other] = max(0, (out[.total] ?? 0) - steps.reduce(0) { $0 + (out[$1] ?? 0) })
        return out
    }

    /// The monotonic clock in nanoseconds.
    @inline(__always) static func now() -> UInt64 { UInt64(logits_prof_now_ns()) }

    /// Adds `ns` nanoseconds to `phase`.
    @inline(__always) static func add(_ phase: Phase, _ ns: UInt64) { logits_prof_add(phase.rawValue, CUnsignedLongLong(ns)) }

    /// Nanoseconds accumulated in `phase`.
    @inline(__always) static func read(_ phase: Phase) -> UInt64 { UInt64(logits_prof_read(phase.rawValue)) }
}

/// The step clock of one `fit`: `mark(phase)` charges the time since the previous mark to `phase`.
/// Inert (a `Bool` test) when profiling was off at the start of the fit.
struct StepClock {
    let on: Bool
    private var last: UInt64 = 0
    private var gemmAtLast: UInt64 = 0

    init() {
        on = TrainingProfile.isEnabled
        if on { last = TrainingProfile.now() }
    }

    /// Charges the time since the last mark to `phase`.
    @inline(__always) mutating func mark(_ phase: TrainingProfile.Phase) {
        guard on else { return }
        let t = TrainingProfile.now()
        TrainingProfile.add(phase, t &- last)
        last = t
    }

    /// Charges the time since the last mark to `gemm` (the GEMM time recorded meanwhile) and
    /// `rest` (the remainder).
    @inline(__always) mutating func mark(gemm: TrainingProfile.Phase, rest: TrainingProfile.Phase) {
        guard on else { return }
        let t = TrainingProfile.now()
        let g = TrainingProfile.read(.gemm)
        let inGemm = min(g &- gemmAtLast, t &- last)
        TrainingProfile.add(gemm, inGemm)
        TrainingProfile.add(rest, (t &- last) &- inGemm)
        last = t
        gemmAtLast = g
    }

    /// Charges the wall time since `start` (an `uptimeNanoseconds` reading) to `total`.
    func finish(since start: UInt64) {
        guard on else { return }
        TrainingProfile.add(.total, DispatchTime.now().uptimeNanoseconds &- start)
    }

    /// Restarts the interval (and the GEMM reading) without charging anything.
    @inline(__always) mutating func restart() {
        guard on else { return }
        last = TrainingProfile.now()
        gemmAtLast = TrainingProfile.read(.gemm)
    }
}
