import Dispatch
import Foundation
import Logits

/// Dynamic batching for one model: requests are queued and run together as one forward pass
/// (one GEMM per layer) over their concatenated rows.
///
/// A batch starts when the queued rows reach `maxBatchRows`, or `maxDelay` after the oldest
/// queued request arrived, whichever comes first. Requests are taken in arrival order while the
/// batch stays within `maxBatchRows` rows (a single request larger than that runs alone), and
/// only while they were submitted against the same `Classifier` (after a reload, requests that
/// arrived before it still run on the old model) and hold their rows the same way: dense requests
/// are copied into one `B x D` matrix (one GEMM per layer), sparse (CSR) requests are
/// concatenated into one CSR batch for `Classifier.logits(_:into:workspace:)` on `SparseMatrix`,
/// so sparse rows never become `B x D` for a model that keeps them sparse (an uncentred
/// standardizer). Each caller gets back exactly its own rows of the `N x C` logits.
///
/// The forward passes run on one dedicated thread per queue, never on Swift's cooperative pool,
/// so a long GEMM cannot stall the HTTP event loops or other tasks.
public final class BatchQueue: @unchecked Sendable {
    /// Observations for metrics: called from the worker thread.
    public struct Observer: Sendable {
        /// A batch of this many rows is about to run.
        public var batch: @Sendable (_ rows: Int) -> Void = { _ in }
        /// The number of requests waiting changed.
        public var queueDepth: @Sendable (_ requests: Int) -> Void = { _ in }
        public init(batch: @escaping @Sendable (Int) -> Void = { _ in },
                    queueDepth: @escaping @Sendable (Int) -> Void = { _ in }) {
            self.batch = batch
            self.queueDepth = queueDepth
        }
    }

    private struct Item {
        var classifier: Classifier
        var features: FeatureMatrix
        var enqueuedNanos: UInt64
        var continuation: CheckedContinuation<Matrix, any Error>
    }

    /// Most rows in one forward pass.
    public let maxBatchRows: Int
    /// Longest wait for more requests once one is queued, in nanoseconds.
    public let maxDelayNanos: UInt64
    private let observer: Observer
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var items: [Item] = []
    private var head = 0
    private var queuedRows = 0
    private var stopping = false
    private var finished = false

    /// Starts the worker thread.
    /// - Parameters:
    ///   - maxBatchRows: rows per forward pass, at least 1 (1 disables batching).
    ///   - maxDelayMicroseconds: how long the oldest request may wait for others (0: never wait).
    public init(maxBatchRows: Int, maxDelayMicroseconds: Int, name: String = "", observer: Observer = Observer()) {
        self.maxBatchRows = max(1, maxBatchRows)
        self.maxDelayNanos = UInt64(max(0, maxDelayMicroseconds)) * 1000
        self.observer = observer
        let thread = Thread { [self] in self.work() }
        thread.name = "logits-batch-\(name)"
        thread.start()
    }

    /// Queues dense `features` (`N x D`, already in the classifier's column order) and returns
    /// their `N x C` logits once the batch holding them has run.
    /// - Throws: the classifier's error for this batch, or `ServingError` 503 after `shutdown()`.
    public func logits(of features: Matrix, with classifier: Classifier) async throws -> Matrix {
        try await logits(of: .dense(features), with: classifier)
    }

    /// Queues dense or sparse `features` (`N x D`, in the classifier's column order) and returns
    /// their `N x C` logits once the batch holding them has run.
    /// - Throws: the classifier's error for this batch, or `ServingError` 503 after `shutdown()`.
    public func logits(of features: FeatureMatrix, with classifier: Classifier) async throws -> Matrix {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if stopping {
                condition.unlock()
                continuation.resume(throwing: ServingError(.serviceUnavailable, "the server is shutting down"))
                return
            }
            items.append(Item(classifier: classifier, features: features,
                              enqueuedNanos: DispatchTime.now().uptimeNanoseconds, continuation: continuation))
            queuedRows += features.rows
            let depth = items.count - head
            condition.signal()
            condition.unlock()
            observer.queueDepth(depth)
        }
    }

    /// Stops accepting requests; those already queued still run. Returns once the worker is done.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func work() {
        var workspace = ModelWorkspace()
        var merged = Matrix(rows: 0, cols: 0)
        var mergedSparse = SparseMatrix(cols: 0)
        var out = Matrix(rows: 0, cols: 0)
        condition.lock()
        while true {
            while head == items.count && !stopping { condition.wait() }
            if head == items.count {  // stopping and empty
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            // Wait for a full batch or the oldest request's deadline.
            let deadline = items[head].enqueuedNanos &+ maxDelayNanos
            while queuedRows < maxBatchRows && !stopping {
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= deadline { break }
                _ = condition.wait(until: Date(timeIntervalSinceNow: Double(deadline - now) / 1e9))
            }
            // Take requests in order, same classifier, same storage, within the row limit.
            let classifier = items[head].classifier
            let sparse = items[head].features.isSparse
            var batch: [Item] = [items[head]]
            var rows = items[head].features.rows
            head += 1
            while head < items.count, items[head].classifier === classifier, items[head].features.isSparse == sparse,
                  rows + items[head].features.rows <= maxBatchRows {
                rows += items[head].features.rows
                batch.append(items[head])
                head += 1
            }
            queuedRows -= rows
            if head == items.count || head > 1024 {
                items.removeFirst(head)
                head = 0
            }
            let depth = items.count - head
            condition.unlock()

            observer.queueDepth(depth)
            observer.batch(rows)
            run(batch, rows: rows, classifier: classifier, merged: &merged, mergedSparse: &mergedSparse,
                out: &out, workspace: &workspace)
            condition.lock()
        }
    }

    /// One forward pass over the concatenated rows; each request gets its own slice.
    private func run(_ batch: [Item], rows: Int, classifier: Classifier, merged: inout Matrix,
                     mergedSparse: inout SparseMatrix, out: inout Matrix, workspace: inout ModelWorkspace) {
        let d = classifier.inputCount
        do {
            switch batch[0].features {
            case .dense(let only) where batch.count == 1:
                try classifier.logits(only, into: &out, workspace: &workspace)
            case .sparse(let only) where batch.count == 1:
                try classifier.logits(only, into: &out, workspace: &workspace)
            case .dense:
                merged.resize(rows: rows, cols: d)
                merged.withUnsafeMutableBufferPointer { dst in
                    var offset = 0
                    for item in batch {
                        guard case .dense(let features) = item.features else { continue }
                        features.withUnsafeBufferPointer { src in
                            guard let s = src.baseAddress, let t = dst.baseAddress else { return }
                            (t + offset).update(from: s, count: src.count)
                            offset += src.count
                        }
                    }
                }
                try classifier.logits(merged, into: &out, workspace: &workspace)
            case .sparse:
                mergedSparse.removeAllRows(cols: d)
                for item in batch {
                    guard case .sparse(let features) = item.features else { continue }
                    try mergedSparse.appendRows(of: features)
                }
                try classifier.logits(mergedSparse, into: &out, workspace: &workspace)
            }
        } catch {
            for item in batch { item.continuation.resume(throwing: error) }
            return
        }
        let c = out.cols
        var start = 0
        for item in batch {
            let n = item.features.rows
            var mine = Matrix(rows: n, cols: c)
            mine.withUnsafeMutableBufferPointer { dst in
                out.withUnsafeBufferPointer { src in
                    guard let s = src.baseAddress, let t = dst.baseAddress else { return }
                    t.update(from: s + start * c, count: n * c)
                }
            }
            start += n
            item.continuation.resume(returning: mine)
        }
    }
}
