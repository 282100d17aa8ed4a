import XCTest

@testable import ArgoViewModel

/// The lane layout as whole multi-line strings, the way lazygit tests its commit graph.
final class DagLanesTests: XCTestCase {
    /// A graph from `a>b` pairs over single-letter or named tasks; ranks follow the order of `names`.
    func graph(_ names: [String], _ edges: [(String, String)]) -> [[Int]] {
        var successors = [[Int]](repeating: [], count: names.count)
        for (a, b) in edges { successors[names.firstIndex(of: a)!].append(names.firstIndex(of: b)!) }
        return successors
    }

    func draw(_ names: [String], _ edges: [(String, String)], limit: Int = 8, rank: [Int]? = nil) -> String {
        let layout = DagLanes.layout(successors: graph(names, edges), rank: rank ?? Array(names.indices))
        return DagLanes.render(layout, names: names, limit: limit)
    }

    func testPrint() {
        print(draw(["A", "B", "C", "D"], [("A", "B"), ("A", "C"), ("B", "D"), ("C", "D")]))
        print("--")
        print(draw(["A", "B", "C", "D", "E"], [("A", "B"), ("A", "C"), ("A","D"), ("B", "E"), ("C", "E"), ("D","E")]))
        print("--")
        print(draw(["A", "B", "C", "D", "E"], [("A", "C"), ("B", "D"), ("A","E"), ("C","E")]))
        print("--")
        print(draw(["A", "B", "C"], [("A", "B"), ("B", "C"), ("C","A")]))
        print("--")
        print(draw(["A", "B", "C", "D", "E", "F"], [("A", "F"), ("B", "F"), ("C","F"), ("D","F"), ("E","F")], limit: 3))
        print("--")
        let names = ["A"] + (1...12).map { "t\($0)" } + ["Z"]
        print(draw(names, (1...12).map { ("A", "t\($0)") } + [("t3", "Z"), ("t12", "Z")], limit: 4))
    }
}
