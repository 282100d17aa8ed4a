import XCTest

@testable import ArgoViewModel

/// The critical chain on generated DAGs whose answer is planted: a chain of tasks that each finish well after
/// every other dependency of the next one.
final class CriticalChainTests: XCTestCase {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    func testPlantedChainIsFound() {
        var random = Generator(state: 7)
        for trial in 0..<40 {
            let count = 10 + random.next(200)
            // Tasks in index order are a topological order; finish times are random, under 1000.
            var finish: [Double?] = (0..<count).map { _ in Double(random.next(1000)) }
            var predecessors = [[Int]](repeating: [], count: count)
            for v in 1..<count {
                for _ in 0..<random.next(4) {
                    let u = random.next(v)
                    if !predecessors[v].contains(u) { predecessors[v].append(u) }
                }
            }
            // Plant the chain: increasing indices, each finishing after 1000 (later than any other task).
            var chain = [0]
            while let last = chain.last, last + 1 < count, chain.count < 8 { chain.append(last + 1 + random.next(min(20, count - last - 1))) }
            for (k, t) in chain.enumerated() {
                finish[t] = 1000 + Double(k) * 10
                if k > 0, !predecessors[t].contains(chain[k - 1]) { predecessors[t].append(chain[k - 1]) }
            }
            // The first task of the chain has no dependency; nothing after it in the chain may have a later one.
            predecessors[chain[0]] = []
            let got = CriticalChain.chain(from: chain.last!, predecessors: predecessors, finish: finish)
            XCTAssertEqual(got, chain.reversed(), "trial \(trial)")
            let running = [Bool](repeating: false, count: count)
            XCTAssertEqual(CriticalChain.path(predecessors: predecessors, finish: finish, running: running, now: 0), chain.reversed(), "trial \(trial)")
        }
    }

    func testTiesGoToTheLowerIndexAndUnfinishedNeverWins() {
        XCTAssertEqual(CriticalChain.waitedFor(3, predecessors: [[], [], [], [2, 1, 0]], finish: [5, 9, 9, nil]), 1)
        XCTAssertEqual(CriticalChain.waitedFor(2, predecessors: [[], [], [0, 1]], finish: [nil, 3, nil]), 1)
        XCTAssertNil(CriticalChain.waitedFor(0, predecessors: [[]], finish: [1]))
    }

    func testARunningTaskEndsThePath() {
        // 0 → 1 (running) and 0 → 2 (finished at 50): while 1 runs, the path ends in it.
        let path = CriticalChain.path(predecessors: [[], [0], [0]], finish: [10, nil, 50], running: [false, true, false], now: 100)
        XCTAssertEqual(path, [1, 0])
    }

    func testCycleEndsTheWalk() {
        XCTAssertEqual(CriticalChain.chain(from: 0, predecessors: [[2], [0], [1]], finish: [3, 2, 1]), [0, 2, 1])
    }
}
