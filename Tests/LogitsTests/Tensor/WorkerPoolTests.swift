import Foundation
import Testing
@testable import Logits

@Suite struct WorkerPoolTests {
    /// A fixed-size array written through a raw pointer by the parts (each part its own slots).
    final class Slots: @unchecked Sendable {  // unchecked: parts write disjoint slots
        let values: UnsafeMutablePointer<Int>
        let count: Int
        init(_ count: Int) {
            self.count = count
            values = .allocate(capacity: count)
            values.initialize(repeating: -1, count: count)
        }
        deinit { values.deallocate() }
    }

    @Test("every part runs exactly once, for 1 to 5 parts, many times over")
    func partsRunOnce() {
        for parts in 1...5 {
            for _ in 0..<200 {
                let slots = Slots(parts)
                let used = WorkerPool.run(parts: parts) { part in slots.values[part] = slots.values[part] == -1 ? part : -99 }
                #expect(used >= 1 && used <= parts)
                #expect((0..<parts).allSatisfy { slots.values[$0] == $0 })
            }
        }
        #expect(WorkerPool.run(parts: 0) { _ in Issue.record("no part expected") } == 0)
    }

    @Test("run(parts:) uses at most Threading.threadCount threads however many parts")
    func partsBeyondThreadCount() {
        for _ in 0..<50 {
            let slots = Slots(13)
            let used = WorkerPool.run(parts: 13) { part in slots.values[part] = slots.values[part] == -1 ? part : -99 }
            #expect(used >= 1 && used <= Threading.threadCount)
            #expect((0..<13).allSatisfy { slots.values[$0] == $0 })
        }
    }

    @Test("a part that calls back in runs the inner job serially instead of deadlocking")
    func nestedCall() {
        let slots = Slots(6)
        WorkerPool.run(parts: 2) { outer in
            let used = WorkerPool.run(parts: 3) { inner in slots.values[outer * 3 + inner] = outer * 3 + inner }
            #expect(used == 1)
        }
        #expect((0..<6).allSatisfy { slots.values[$0] == $0 })
    }

    @Test("calls from several threads at once all complete")
    func concurrentCallers() async {
        await withTaskGroup(of: Bool.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    var ok = true
                    for _ in 0..<100 {
                        let slots = Slots(3)
                        WorkerPool.run(parts: 3) { part in slots.values[part] = part + caller * 10 }
                        ok = ok && (0..<3).allSatisfy { slots.values[$0] == $0 + caller * 10 }
                    }
                    return ok
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test("parked or late workers: the caller takes their parts, every part still runs exactly once")
    func callerTakesOver() {
        WorkerPool.setSpin(microseconds: 0)
        defer { WorkerPool.setSpin(microseconds: 100) }
        var serialCalls = 0
        for i in 0..<2000 {
            let parts = 2 + i % 3
            let slots = Slots(parts)
            // Tiny parts: the caller is usually done before a parked worker wakes, and withdraws it.
            let used = WorkerPool.run(parts: parts) { part in slots.values[part] = slots.values[part] == -1 ? part : -99 }
            if used == 1 { serialCalls += 1 }
            #expect((0..<parts).allSatisfy { slots.values[$0] == $0 })
        }
        print("worker pool: \(serialCalls) of 2000 tiny jobs finished by the caller alone")
    }

    @Test("workers park after the spin and still wake for the next job")
    func parkAndWake() {
        WorkerPool.setSpin(microseconds: 0)
        defer { WorkerPool.setSpin(microseconds: 100) }
        for _ in 0..<20 {
            let slots = Slots(2)
            WorkerPool.run(parts: 2) { part in slots.values[part] = part }
            #expect(slots.values[0] == 0 && slots.values[1] == 1)
            Thread.sleep(forTimeInterval: 0.001)
        }
        #expect(WorkerPool.workerCount >= 1)
    }
}

/// `WorkerPool.run(parts:threads:)`: more parts than threads.
@Suite struct WorkerPoolThreadsTests {
    @Test("more parts than threads: every part runs exactly once, on at most `threads` threads")
    func morePartsThanThreads() {
        for (parts, threads) in [(8, 2), (5, 3), (3, 1), (1, 4), (4, 4), (6, 5)] {
            for _ in 0..<100 {
                let slots = WorkerPoolTests.Slots(parts)
                let used = WorkerPool.run(parts: parts, threads: threads) { part in
                    slots.values[part] = slots.values[part] == -1 ? part : -99
                }
                #expect(used >= 1 && used <= min(parts, threads), "\(parts) parts on \(threads) threads: \(used) took part")
                #expect((0..<parts).allSatisfy { slots.values[$0] == $0 }, "\(parts) parts on \(threads) threads")
            }
        }
        #expect(WorkerPool.run(parts: 0, threads: 2) { _ in Issue.record("no part expected") } == 0)
    }
}
