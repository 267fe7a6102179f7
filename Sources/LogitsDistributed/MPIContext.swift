import CMPI
import Foundation
import Logits

/// An MPI call that failed, or MPI missing from the build.
public struct MPIError: Error, CustomStringConvertible, Sendable {
    /// The MPI function (e.g. `MPI_Allreduce`).
    public let call: String
    /// This process's rank (`-1` before `MPI_Init` returned one).
    public let rank: Int
    /// The library's text for the error code.
    public let message: String

    public var description: String { "\(call) failed" + (rank >= 0 ? " on rank \(rank)" : "") + ": \(message)" }

    static func check(_ code: Int32, _ call: String, rank: Int) throws {
        guard code != 0 else { return }  // MPI_SUCCESS is 0 in every MPI
        var text = [CChar](repeating: 0, count: 512)
        logits_mpi_error_string(code, &text, Int32(text.count))
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        throw MPIError(call: call, rank: rank, message: String(decoding: bytes, as: UTF8.self))
    }
}

/// `DistributedContext` on MPI's `MPI_COMM_WORLD`: sum-allreduce of `Float`/`Double` buffers
/// (`MPI_Allreduce` in place, `MPI_SUM`) and a broadcast (`MPI_Bcast`).
///
/// Create it once per process with `MPIContext.initialize()` (it calls `MPI_Init_thread` with
/// `MPI_THREAD_FUNNELED`) and call `finalize()` before exiting. Buffers longer than `Int32.max`
/// elements are reduced in chunks.
///
/// Threading: every call must come from the thread that initialized MPI (the trainer calls it
/// from its own thread; the GEMM worker threads never do). The timing counters are therefore
/// plain fields, which is why the class is `@unchecked Sendable`.
public final class MPIContext: DistributedContext, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// Wall-clock seconds spent inside `allReduceSum` / `broadcast` (including waiting for the
    /// slowest rank), and the number of such calls.
    public private(set) var communicationSeconds: Double = 0
    public private(set) var collectiveCalls = 0
    /// Elements (`Float` or `Double`) passed to `allReduceSum`.
    public private(set) var reducedElements = 0

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Whether this build has Open MPI (pkg-config `ompi-c` was found at build time).
    public static var isAvailable: Bool { logits_mpi_available() != 0 }

    /// Initializes MPI (once per process) and returns the world communicator's context.
    /// - Throws: `MPIError` when MPI is missing from the build or `MPI_Init_thread` fails.
    public static func initialize() throws -> MPIContext {
        guard isAvailable else {
            throw MPIError(call: "MPI_Init", rank: -1,
                           message: "logits-mpi was built without Open MPI; install it (Debian: apt-get install libopenmpi-dev openmpi-bin) and rebuild")
        }
        var rank: Int32 = 0, size: Int32 = 1
        try MPIError.check(logits_mpi_init(&rank, &size), "MPI_Init_thread", rank: -1)
        return MPIContext(rank: Int(rank), size: Int(size))
    }

    /// `MPI_Finalize`; call once, after the last collective.
    public func finalize() throws {
        try MPIError.check(logits_mpi_finalize(), "MPI_Finalize", rank: rank)
    }

    /// `MPI_Abort(MPI_COMM_WORLD, code)`: ends every process of the job (the launcher kills the
    /// others) with exit status `code`. Does not return in a working MPI.
    public func abort(code: Int32) -> Never {
        logits_mpi_abort(code)
        exit(code)
    }

    /// `MPI_Barrier`.
    public func barrier() throws {
        try MPIError.check(logits_mpi_barrier(), "MPI_Barrier", rank: rank)
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = buffer.baseAddress else { return }
        let start = logits_mpi_wtime()
        defer { account(start, elements: buffer.count) }
        var offset = 0
        while offset < buffer.count {
            let n = min(buffer.count - offset, Int(Int32.max))
            try MPIError.check(logits_mpi_allreduce_sum_float(base + offset, Int32(n)), "MPI_Allreduce", rank: rank)
            offset += n
        }
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        guard let base = buffer.baseAddress else { return }
        let start = logits_mpi_wtime()
        defer { account(start, elements: buffer.count) }
        var offset = 0
        while offset < buffer.count {
            let n = min(buffer.count - offset, Int(Int32.max))
            try MPIError.check(logits_mpi_allreduce_sum_double(base + offset, Int32(n)), "MPI_Allreduce", rank: rank)
            offset += n
        }
    }

    public func broadcast(_ value: Bool, from root: Int) throws -> Bool {
        let start = logits_mpi_wtime()
        defer { account(start, elements: 0) }
        var v: Int32 = value ? 1 : 0
        try MPIError.check(logits_mpi_broadcast_int(&v, Int32(root)), "MPI_Bcast", rank: rank)
        return v != 0
    }

    private func account(_ start: Double, elements: Int) {
        communicationSeconds += logits_mpi_wtime() - start
        collectiveCalls += 1
        reducedElements += elements
    }
}
