import ArgoAPI
import Foundation
import XCTest

@testable import ArgoViewModel

/// The lane layout as whole multi-line strings, the way lazygit tests its commit graph. `◇` is a task with no
/// dependency drawn, `◆` one whose lane comes from above; a lane ends in the task it was waiting for.
final class DagLanesTests: XCTestCase {
    func draw(_ names: [String], _ edges: [(String, String)], limit: Int = 8) -> String {
        var successors = [[Int]](repeating: [], count: names.count)
        for (a, b) in edges { successors[names.firstIndex(of: a)!].append(names.firstIndex(of: b)!) }
        let layout = DagLanes.layout(successors: successors, rank: Array(names.indices))
        return DagLanes.render(layout, names: names, limit: limit)
    }

    func testDiamondBranchesAndMerges() {
        XCTAssertEqual(draw(["A", "B", "C", "D"], [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")]), """
            ◇─┐  A
            ◆ │  B
            ├─◆  C
            ◆    D
            """)
    }

    func testTopologicalOrderBeatsStartOrder() {
        // D comes first by rank but depends on C: it is drawn after it.
        XCTAssertEqual(draw(["D", "A", "C"], [("A", "C"), ("C", "D")]), """
            ◇  A
            ◆  C
            ◆  D
            """)
    }

    func testTwoIndependentChainsSideBySide() {
        XCTAssertEqual(draw(["A", "B", "C", "D", "E"], [("A", "C"), ("B", "D"), ("A", "E"), ("C", "E")]), """
            ◇─┐    A
            │ │ ◇  B
            ◆─┤ │  C
              │ ◆  D
              ◆    E
            """)
    }

    func testFanInOfFiftyKeepsTwoLanes() {
        let sources = (0..<50).map { "s\($0)" }
        let drawn = draw(sources + ["join"], sources.map { ($0, "join") })
        let expected = ["◇    s0"] + (1..<50).map { "├─◇  s\($0)" } + ["◆    join"]
        XCTAssertEqual(drawn, expected.joined(separator: "\n"))
    }

    func testWideFanOutCompressesLanesWithACount() {
        let names = ["A"] + (1...6).map { "t\($0)" }
        XCTAssertEqual(draw(names, (1...6).map { ("A", "t\($0)") }, limit: 3), """
            ◇─┬─┬─+3   A
            ◆ │ │ +3   t1
              ◆ │ +3   t2
                ◆ +3   t3
                ◆ +2   t4
                ◆ +1   t5
                ◆      t6
            """)
    }

    func testLongChainStaysInOneLane() {
        let names = (0..<200).map { "step-\($0)" }
        let drawn = draw(names, (1..<200).map { (names[$0 - 1], names[$0]) })
        XCTAssertEqual(drawn, (["◇  step-0"] + (1..<200).map { "◆  step-\($0)" }).joined(separator: "\n"))
    }

    func testCycleInBadDataIsMarkedNotFollowed() {
        XCTAssertEqual(draw(["A", "B", "C"], [("A", "B"), ("B", "C"), ("C", "A")]), """
            ◇↺ A
            ◆  B
            ◆  C
            """)
        let (order, cyclic) = DagLanes.order(successors: [[1], [0]], rank: [0, 1])
        XCTAssertEqual(order, [0, 1])
        XCTAssertEqual(cyclic, [0])
    }

    func testASCIILanes() {
        var successors: [[Int]] = [[1, 2], [3], [3], []]
        let layout = DagLanes.layout(successors: successors, rank: [0, 1, 2, 3])
        successors = []
        XCTAssertEqual(DagLanes.render(layout, names: ["A", "B", "C", "D"], glyphs: .ascii), """
            o-.  A
            * |  B
            |-*  C
            *    D
            """)
    }

    func testEdgesOfTheSelectedTaskAreTheCellsThatTouchIt() {
        // Diamond: C's lane (column 1) runs from A down to C; B's edge to D leaves B's own column.
        let layout = DagLanes.layout(successors: [[1, 2], [3], [3], []], rank: [0, 1, 2, 3])
        let laneOfC = layout.rows[1].cells[1]
        XCTAssertEqual(Set(laneOfC.touches), [0, 2], "the lane from A to C, passing B's row")
        XCTAssertFalse(laneOfC.touches.contains(1))
        XCTAssertEqual(layout.predecessors[3].sorted(), [1, 2])
    }

    /// On random graphs (with some back edges): one task a row, and every forward edge runs as a lane through
    /// every row between its ends; a lane that touches both of them.
    func testEveryEdgeRunsThroughTheRowsBetweenItsEnds() {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<200 {
            let n = 1 + next(40)
            var successors = [[Int]](repeating: [], count: n)
            for _ in 0..<next(n * 2 + 1) {
                let (u, v) = (next(n), next(n))
                if u != v && !successors[u].contains(v) { successors[u].append(v) }
            }
            let layout = DagLanes.layout(successors: successors, rank: (0..<n).map { _ in next(10) })
            XCTAssertEqual(layout.rows.map(\.task).sorted(), Array(0..<n))
            var row = [Int](repeating: 0, count: n)
            for (r, laneRow) in layout.rows.enumerated() {
                row[laneRow.task] = r
                XCTAssertEqual(laneRow.cells.filter(\.node).count, 1)
            }
            for u in 0..<n {
                for v in successors[u] where row[v] > row[u] {
                    for r in (row[u] + 1)..<row[v] {
                        let through = layout.rows[r].cells.contains { $0.up && $0.down && !$0.node && $0.touches.contains(u) && $0.touches.contains(v) }
                        XCTAssertTrue(through, "edge \(u)→\(v) through row \(r)")
                    }
                }
            }
            _ = DagLanes.render(layout, names: (0..<n).map(String.init), limit: 2)
        }
    }

    // MARK: In the tree

    static func node(_ id: String, _ type: String = "Pod", boundary: String?, children: [String] = [], start: Double, end: Double?, phase: String = "Succeeded") -> NodeStatus {
        var node = NodeStatus(id: id, name: id, displayName: id.split(separator: ".").last.map(String.init), type: type, phase: phase)
        node.boundaryID = boundary
        node.children = children
        node.startedAt = Timestamp(seconds: start)
        node.finishedAt = end.map { Timestamp(seconds: $0) }
        return node
    }

    func testFanOutOfThreeHundredFoldsIntoOneTaskAndOneEdge() {
        var nodes: [String: NodeStatus] = [:]
        let items = (0..<300).map { "wf.audit(\($0):db-\($0))" }
        nodes["wf"] = Self.node("wf", "DAG", boundary: nil, children: ["wf.list"], start: 0, end: 900)
        nodes["wf.list"] = Self.node("wf.list", boundary: "wf", children: ["wf.audit"], start: 0, end: 10)
        nodes["wf.audit"] = Self.node("wf.audit", "TaskGroup", boundary: "wf", children: items, start: 10, end: 800)
        for (i, id) in items.enumerated() {
            nodes[id] = Self.node(id, boundary: "wf", children: ["wf.report"], start: 11 + Double(i), end: 500 + Double(i))
        }
        nodes["wf.report"] = Self.node("wf.report", boundary: "wf", start: 801, end: 900)
        let tree = NodeTree(workflowName: "wf", nodes: nodes)
        var folding = FoldState()
        folding.lanes = ["wf"]
        let text = tree.rows(folding: folding, glyphs: .unicode).map { row -> String in
            switch row.item {
            case .node(let id): return row.prefix + (tree.nodes[id]?.shownName ?? "")
            case .group(let g): return row.prefix + tree.groups[g].name + (row.folded ? " [+\(row.hiddenRows)]" : "")
            default: return row.prefix
            }
        }.joined(separator: "\n")
        XCTAssertEqual(text, """
             wf
             ◇ list
             ◆ audit [+300]
             ◆ report
            """)
        let graph = try! XCTUnwrap(tree.dagGraph(0))
        XCTAssertEqual(graph.layout.successors.map { $0.count }, [1, 1, 0], "one edge into the fold, one out of it")
        // The report waited for the fan-out (its last item finished at 799), which waited for the list.
        let finish = graph.tasks.map { tree.times(of: $0).end }
        XCTAssertEqual(CriticalChain.chain(from: 2, predecessors: graph.layout.predecessors, finish: finish), [2, 1, 0])
        XCTAssertEqual(finish[1], 799)
    }

    /// A container set's dependents hang off its last container (a node with no row): the edge still runs
    /// from the task, as in Argo's own object.
    func testContainerSetEdgesFromARealObject() throws {
        let url = TreeRulesTests.fixtureDirectory.appendingPathComponent("controller-operator_test__dagContainersetWf.json")
        let workflow = try JSONDecoder().decode(Workflow.self, from: Data(contentsOf: url))
        let tree = NodeTree(workflowName: workflow.name, nodes: workflow.nodes)
        let root = try XCTUnwrap(tree.mainRoot)
        let graph = try XCTUnwrap(tree.dagGraph(root))
        let names = graph.tasks.map { e -> String in if case .node(let id) = tree.entries[e].kind { return tree.nodes[id]?.displayName ?? "?" } else { return "?" } }
        let a: Int = try XCTUnwrap(names.firstIndex(of: "A"))
        let b: Int = try XCTUnwrap(names.firstIndex(of: "B"))
        XCTAssertEqual(graph.layout.successors[a], [b])
        XCTAssertEqual(graph.layout.predecessors[b], [a])
    }

    func testNestedDAGsFromARealObject() throws {
        let url = TreeRulesTests.fixtureDirectory.appendingPathComponent("util-util_test__nestedDAG.json")
        let workflow = try JSONDecoder().decode(Workflow.self, from: Data(contentsOf: url))
        let tree = NodeTree(workflowName: workflow.name, nodes: workflow.nodes)
        let root = try XCTUnwrap(tree.mainRoot)
        var folding = FoldState()
        folding.lanes = [tree.entries[root].key]
        // Every nested DAG with lanes too.
        for e in tree.entries.indices where tree.isDAG(e) { folding.lanes.insert(tree.entries[e].key) }
        let rows = tree.rows(folding: folding, glyphs: .unicode)
        let text = rows.map { $0.prefix + (tree.nodes[$0.nodeID ?? ""]?.shownName ?? "") }.joined(separator: "\n")
        // The outer diamond A → B, C → D of DAGs, each an inner diamond of pods.
        XCTAssertEqual(text, """
             dag-nested-zxlc2
             ◇─┐ A
             │ │ ◇─┐ A
             │ │ ◆ │ B
             │ │ ├─◆ C
             │ │ ◆   D
             ◆ │ B
             │ │ ◇─┐ A
             │ │ ◆ │ B
             │ │ ├─◆ C
             │ │ ◆   D
             ├─◆ C
             │   ◇─┐ A
             │   ◆ │ B
             │   ├─◆ C
             │   ◆   D
             ◆   D
                 ◇─┐ A
                 ◆ │ B
                 ├─◆ C
                 ◆   D
            """)
    }
}
