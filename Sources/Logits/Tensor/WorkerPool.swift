import CLogitsKernels
import Foundation

/// The persistent worker pool the parallel kernels share (C, `worker_pool.c`).
///
/// `run(parts:)` calls `body(part)` exactly once for every `part` in `0..<parts`; the calling thread
/// and worker threads (created on first need, then kept) claim parts from a shared counter, and a
/// worker that has not started by the time the caller runs out of parts is withdrawn, so a worker
/// descheduled by other processes cannot hold the call up. After a job a
/// worker spins for `spinMicroseconds` (100 by default, `LOGITS_SPIN_US` overrides) waiting for
/// the next one, then parks on a condition variable, so back-to-back products in a training step
/// find it awake without a kernel wake-up. One job runs at a time; a call made while another is
/// running (from another thread, or from inside a part) runs its parts serially on the caller.
public enum WorkerPool {
    private static let configured: Bool = {
        let env = ProcessInfo.processInfo.environment["LOGITS_SPIN_US"]
        if let env, let us = Int(env.trimmingCharacters(in: .whitespaces)), us >= 0 { logits_pool_set_spin(us) }
        return true
    }()

    /// Runs `body(part)` for `part` in `0..<parts` and returns when all are done, on at most
    /// `Threading.threadCount` threads (more parts than that are claimed one at a time); returns
    /// how many threads took part (1 when it ran on the caller only). `body` must be safe to call
    /// concurrently for different parts. (One thread per part, as this once did, let Adam's 13
    /// chunks start 13 threads on 2 vCPUs.)
    @discardableResult
    public static func run(parts: Int, _ body: (Int) -> Void) -> Int {
        run(parts: parts, threads: min(parts, Threading.threadCount), body)
    }

    /// As `run(parts:_:)` with at most `threads` threads (the caller and `threads - 1` workers),
    /// however many parts: parts are claimed one at a time, so with more parts than threads a
    /// thread that runs ahead takes over the parts of one the scheduler holds back.
    @discardableResult
    public static func run(parts: Int, threads: Int, _ body: (Int) -> Void) -> Int {
        if parts <= 0 { return 0 }
        if parts == 1 || threads <= 1 {
            for part in 0..<parts { body(part) }
            return 1
        }
        _ = configured
        return withoutActuallyEscaping(body) { escapable in
            var job = PoolJob(body: escapable)
            return withUnsafeMutablePointer(to: &job) { pointer in
                logits_pool_run_threads(parts, threads, poolTrampoline, UnsafeMutableRawPointer(pointer))
            }
        }
    }

    /// Worker threads created so far.
    public static var workerCount: Int { logits_pool_worker_count() }

    /// Sets how long a worker polls for the next job before parking.
    public static func setSpin(microseconds: Int) { logits_pool_set_spin(microseconds) }
}

/// The closure of one job, reached by the C workers through a raw pointer.
private struct PoolJob {
    let body: (Int) -> Void
}

/// The C entry point of every part: `context` points to the caller's `PoolJob`, alive until
/// `logits_pool_run` returns.
private let poolTrampoline: logits_pool_task = { context, part in
    guard let context else { return }
    context.assumingMemoryBound(to: PoolJob.self).pointee.body(part)
}
