import Foundation
@testable import Logits

/// An in-process "job" of `size` ranks (one thread each) whose collectives meet at a barrier and sum
/// the contributions in rank order, so every rank gets the same bits, as MPI gives them.
final class FakeWorld: @unchecked Sendable {
    let size: Int
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var floatSlots: [[Float]]
    private var doubleSlots: [[Double]]
    private var floatResult: [Float] = []
    private var doubleResult: [Double] = []
    /// Collective calls completed (all ranks), for assertions.
    private(set) var collectives = 0

    init(size: Int) {
        self.size = size
        floatSlots = Array(repeating: [], count: size)
        doubleSlots = Array(repeating: [], count: size)
    }

    /// Waits until all ranks have contributed, then returns the rank-ordered sums.
    private func meet(rank: Int, floats: [Float], doubles: [Double]) -> ([Float], [Double]) {
        condition.lock()
        defer { condition.unlock() }
        floatSlots[rank] = floats
        doubleSlots[rank] = doubles
        arrived += 1
        let mine = generation
        if arrived == size {
            floatResult = floatSlots[0]
            doubleResult = doubleSlots[0]
            for r in 1..<size {
                for i in floatResult.indices { floatResult[i] += floatSlots[r][i] }
                for i in doubleResult.indices { doubleResult[i] += doubleSlots[r][i] }
            }
            arrived = 0
            generation += 1
            collectives += 1
            condition.broadcast()
        } else {
            while generation == mine { condition.wait() }
        }
        return (floatResult, doubleResult)
    }

    func context(rank: Int) -> FakeContext { FakeContext(world: self, rank: rank) }

    final class FakeContext: DistributedContext {
        let world: FakeWorld
        let rank: Int
        var size: Int { world.size }

        init(world: FakeWorld, rank: Int) {
            self.world = world
            self.rank = rank
        }

        func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
            let (sum, _) = world.meet(rank: rank, floats: Array(buffer), doubles: [])
            for i in buffer.indices { buffer[i] = sum[i] }
        }

        func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
            let (_, sum) = world.meet(rank: rank, floats: [], doubles: Array(buffer))
            for i in buffer.indices { buffer[i] = sum[i] }
        }

        func broadcast(_ value: Bool, from root: Int) throws -> Bool {
            let (_, sum) = world.meet(rank: rank, floats: [], doubles: [rank == root && value ? 1 : 0])
            return sum[0] != 0
        }
    }

    /// Runs `body(rank)` on `size` threads (not a thread pool: every rank must run at once, since
    /// they wait for each other) and returns the results in rank order.
    func run<T: Sendable>(_ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let box = ResultBox<T>(size)
        let lock = NSLock()
        let group = DispatchGroup()
        for r in 0..<size {
            group.enter()
            let thread = Thread {
                let result = Result { try body(r) }
                lock.lock()
                box.results[r] = result
                lock.unlock()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return try box.results.map { try ($0 ?? .failure(LogitsError.invalidValue("rank did not finish"))).get() }
    }
}

/// Per-rank results written by the rank threads under a lock.
final class ResultBox<T>: @unchecked Sendable {
    var results: [Result<T, any Error>?]
    init(_ n: Int) { results = Array(repeating: nil, count: n) }
}
