import Foundation
import Logits
@testable import LogitsServing
import Testing

@Suite("Dynamic batching")
struct BatchQueueTests {
    /// Largest batch seen by the observer.
    final class Largest: @unchecked Sendable {
        let lock = NSLock()
        var rows: [Int] = []
        func add(_ n: Int) { lock.lock(); rows.append(n); lock.unlock() }
        var all: [Int] { lock.lock(); defer { lock.unlock() }; return rows }
    }

    @Test("concurrent requests share forward passes and each gets exactly its own rows")
    func ownRows() async throws {
        let classifier = try Fixtures.multiClass()
        let seen = Largest()
        let queue = BatchQueue(maxBatchRows: 16, maxDelayMicroseconds: 20_000, observer: .init(batch: { seen.add($0) }))
        defer { queue.shutdown() }
        let results = try await withThrowingTaskGroup(of: (Int, Matrix, Matrix).self) { group in
            for k in 0..<40 {
                group.addTask {
                    let n = 1 + k % 3
                    let x = try Matrix((0..<n).map { r in [Float(k), Float(r), Float(k * r) * 0.01] })
                    return (k, x, try await queue.logits(of: x, with: classifier))
                }
            }
            var all: [(Int, Matrix, Matrix)] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 40)
        for (k, x, z) in results {
            let want = try classifier.logits(x)
            #expect(z.rows == x.rows && z.cols == 3, "request \(k)")
            for (a, b) in zip(z.storage, want.storage) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "request \(k)") }
        }
        let batches = seen.all
        #expect(batches.reduce(0, +) == results.reduce(0) { $0 + $1.1.rows })
        #expect(batches.allSatisfy { $0 <= 16 })
        #expect(batches.contains { $0 > 3 }, "no batching happened: \(batches)")
    }

    @Test("sparse requests are batched as one CSR batch, dense ones apart; each gets exactly its own rows")
    func sparseAndDenseTogether() async throws {
        let classifier = try Fixtures.multiLabel()
        /// Runs 40 concurrent requests (those with `dense(k)` dense, the others CSR) and checks every answer.
        func run(dense isDense: @escaping @Sendable (Int) -> Bool) async throws -> [Int] {
            let seen = Largest()
            let queue = BatchQueue(maxBatchRows: 16, maxDelayMicroseconds: 20_000, observer: .init(batch: { seen.add($0) }))
            defer { queue.shutdown() }
            let results = try await withThrowingTaskGroup(of: (Int, FeatureMatrix, Matrix).self) { group in
                for k in 0..<40 {
                    group.addTask {
                        // Rows with one or two zeros; every third row all zero.
                        let rows = (0..<(1 + k % 3)).map { r -> [Float] in
                            r % 3 == 2 ? [0, 0, 0] : (0..<3).map { j in (r + j + k) % 3 == 0 ? 0 : Float(k + 1) * 0.1 - Float(j * r) * 0.3 }
                        }
                        let dense = try Matrix(rows)
                        let x: FeatureMatrix = isDense(k) ? .dense(dense) : .sparse(try SparseMatrix(dense: dense))
                        return (k, x, try await queue.logits(of: x, with: classifier))
                    }
                }
                var all: [(Int, FeatureMatrix, Matrix)] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.count == 40)
            for (k, x, z) in results {
                let want = try classifier.logits(x)
                #expect(z.rows == x.rows && z.cols == 4, "request \(k)")
                for (a, b) in zip(z.storage, want.storage) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "request \(k)") }
            }
            let batches = seen.all
            #expect(batches.reduce(0, +) == results.reduce(0) { $0 + $1.1.rows })
            #expect(batches.allSatisfy { $0 <= 16 })
            return batches
        }
        let sparseOnly = try await run { _ in false }
        #expect(sparseOnly.contains { $0 > 3 }, "sparse requests were not batched together: \(sparseOnly)")
        _ = try await run { $0 % 4 == 3 }
    }

    @Test("max batch 1 runs every request alone; a request larger than the limit runs whole")
    func limits() async throws {
        let classifier = try Fixtures.multiClass()
        let seen = Largest()
        let queue = BatchQueue(maxBatchRows: 1, maxDelayMicroseconds: 0, observer: .init(batch: { seen.add($0) }))
        let x = try Matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let z = try await queue.logits(of: x, with: classifier)
        #expect(z == (try classifier.logits(x)))
        queue.shutdown()
        #expect(seen.all == [3])
        await #expect(throws: ServingError.self) { _ = try await queue.logits(of: x, with: classifier) }
    }
}
