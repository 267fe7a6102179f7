import Logits
import LogitsDistributed

/// `--debug-fail-rank R`: rank `R` throws from its first gradient allreduce of epoch
/// `--debug-fail-epoch`, the way a rank that hits bad data or an I/O error mid-run fails.
final class FailureInjection: DistributedContext, @unchecked Sendable {
    let base: MPIContext?
    let failRank: Int
    let failEpoch: Int
    /// Epochs finished (set from the trainer's epoch events, on the trainer's thread).
    var epochsDone = 0

    init(base: MPIContext?, failRank: Int, failEpoch: Int) {
        self.base = base
        self.failRank = failRank
        self.failEpoch = failEpoch
    }

    var rank: Int { base?.rank ?? 0 }
    var size: Int { base?.size ?? 1 }

    private func maybeFail() throws {
        if rank == failRank && epochsDone + 1 >= failEpoch {
            throw InputError("simulated failure of rank \(rank) in epoch \(epochsDone + 1) (--debug-fail-rank)")
        }
    }

    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try maybeFail()
        try base?.allReduceSum(buffer)
    }

    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        try base?.allReduceSum(buffer)
    }

    func broadcast(_ value: Bool, from root: Int) throws -> Bool {
        try base?.broadcast(value, from: root) ?? value
    }
}
