import ArgoAPI
import Foundation
import XCTest

@testable import ArgoViewModel

/// The tree follows `argo get`'s rules on every real fixture. Expectations come from the rules (and, for a
/// few fixtures, from reading the objects by hand), never from argotop's own output.
final class TreeRulesTests: XCTestCase {
    static var fixtureDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/argo-fixtures/real")
    }

    static func fixtures() throws -> [(String, Workflow)] {
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try files.map { file in
            let data = try Data(contentsOf: fixtureDirectory.appendingPathComponent(file))
            do {
                return (file, try JSONDecoder().decode(Workflow.self, from: data))
            } catch {
                XCTFail("\(file) does not decode: \(error)")
                throw error
            }
        }
    }

    func testEveryFixtureDecodes() throws {
        let all = try Self.fixtures()
        XCTAssertGreaterThanOrEqual(all.count, 30, "the fixture folder should hold the real Argo objects")
        for (file, wf) in all {
            XCTAssertFalse(wf.name.isEmpty, file)
            XCTAssertFalse(wf.nodes.isEmpty, "\(file) has status.nodes")
            for (id, node) in wf.nodes { XCTAssertEqual(id, node.id, "\(file): node key is its id") }
        }
    }

    /// The node a row hangs under in `argo get`: the StepGroup or Retry listing it, else its boundary.
    static func directParent(_ id: String, in nodes: [String: NodeStatus]) -> String? {
        for (pid, p) in nodes where (p.type == "StepGroup" || p.type == "Retry") && (p.children ?? []).contains(id) {
            return pid
        }
        return nodes[id]?.boundaryID.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func isHidden(_ node: NodeStatus) -> Bool {
        switch node.type {
        case "StepGroup", "TaskGroup", "Container": return true
        case "Retry": return (node.children ?? []).count == 1
        case "Skipped": return node.phase == "Omitted"
        default: return false
        }
    }

    func testRowsFollowTheArgoGetRulesOnEveryFixture() throws {
        for (file, wf) in try Self.fixtures() {
            let nodes = wf.nodes.dictionary
            let rows = TreeBuilder.rows(workflowName: wf.name, nodes: nodes)
            let shown = rows.compactMap { $0.nodeID }
            // Nothing hidden is drawn; nothing is drawn twice.
            XCTAssertEqual(Set(shown).count, shown.count, "\(file): a node drawn twice")
            for id in shown {
                XCTAssertFalse(Self.isHidden(nodes[id]!), "\(file): \(nodes[id]!.type) \(nodes[id]!.shownName) should be hidden")
            }
            // The root comes first.
            if nodes[wf.name] != nil { XCTAssertEqual(shown.first, wf.name, file) }
            // Every visible node whose ancestry reaches the root (or the exit handler) is drawn.
            let exitRoot = nodes.values.first(where: { $0.name == wf.name + ".onExit" })?.id
            for (id, node) in nodes where !Self.isHidden(node) {
                var cursor: String? = id
                var seen: Set<String> = []
                var reachesRoot = false
                while let current = cursor, seen.insert(current).inserted {
                    if current == wf.name || current == exitRoot { reachesRoot = true; break }
                    cursor = Self.directParent(current, in: nodes)
                }
                let drawable = ["Pod", "Skipped", "Suspend", "HTTP", "Plugin", "DAG", "Steps", "StepGroup", "Retry"].contains(node.type)
                if reachesRoot && drawable {
                    XCTAssertTrue(shown.contains(id), "\(file): \(node.type) \(node.shownName) is missing")
                }
            }
            // A node's row comes after its nearest visible ancestor's row.
            let position = Dictionary(uniqueKeysWithValues: shown.enumerated().map { ($1, $0) })
            for id in shown {
                var parent = Self.directParent(id, in: nodes)
                while let p = parent, let pn = nodes[p], Self.isHidden(pn) { parent = Self.directParent(p, in: nodes) }
                if let p = parent, let pp = position[p] {
                    XCTAssertLessThan(pp, position[id]!, "\(file): \(nodes[id]!.shownName) drawn before its parent")
                }
            }
            // Siblings (same direct parent) are ordered by start time, then item index, then name.
            var byParent: [String: [String]] = [:]
            for id in shown { if let p = Self.directParent(id, in: nodes) { byParent[p, default: []].append(id) } }
            for (_, siblings) in byParent where siblings.count > 1 {
                for (a, b) in zip(siblings, siblings.dropFirst()) {
                    let na = nodes[a]!, nb = nodes[b]!
                    let ta = na.startedAt?.seconds ?? 0, tb = nb.startedAt?.seconds ?? 0
                    XCTAssertLessThanOrEqual(ta, tb, "\(file): \(na.shownName) before \(nb.shownName) by start time")
                    if ta == tb {
                        let ia = TreeBuilder.itemIndex(na.shownName), ib = TreeBuilder.itemIndex(nb.shownName)
                        if ia >= 0 && ib >= 0 {
                            XCTAssertLessThanOrEqual(ia, ib, "\(file): items by index")
                        } else {
                            XCTAssertLessThanOrEqual(na.shownName, nb.shownName, "\(file): by name")
                        }
                    }
                }
            }
            // The exit handler follows the main tree after one blank row.
            if let exitRoot, shown.contains(exitRoot) {
                let blank = rows.firstIndex(where: { $0.nodeID == nil })
                XCTAssertNotNil(blank, file)
                XCTAssertEqual(rows[blank! + 1].nodeID, exitRoot, file)
            }
        }
    }

    func render(_ file: String) throws -> [String] {
        let wf = try XCTUnwrap(Self.fixtures().first(where: { $0.0 == file })?.1)
        return TreeBuilder.rows(workflowName: wf.name, nodes: wf.nodes).map { row in
            row.nodeID.map { row.prefix + wf.nodes[$0]!.shownName } ?? ""
        }
    }

    /// Items that started together sort by index (10 after 9), later ones after; the StepGroup is hidden.
    func testItemsOrderByStartThenIndex() throws {
        let names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
        var expected = [" many-items-z26lj", " └─┬─sleep(0:zero)"]
        for i in 1..<12 { expected.append("   ├─sleep(\(i):\(names[i]))") }
        expected.append("   └─sleep(12:twelve)")
        XCTAssertEqual(try render("cmd-get_test__many-items-z26lj.json"), expected)
    }

    /// Retry nodes with several attempts are drawn; siblings that started together sort by name.
    func testRetriesWithAttemptsUnderHiddenStepGroup() throws {
        XCTAssertEqual(try render("controller-testdata__steps-failed-retries.json"), [
            " failed-retries-tjjsc",
            " └─┬─delayed-fail",
            "   │ ├─delayed-fail(0)",
            "   │ └─delayed-fail(1)",
            "   └─fail",
            "     ├─fail(0)",
            "     └─fail(1)",
        ])
    }

    /// The exit handler tree comes after a blank row; a Skipped (not Omitted) node still shows.
    func testExitHandlerAfterBlankRow() throws {
        XCTAssertEqual(try render("util-util_test__onExitPanic.json"), [
            " exit-handlers-n7s4n",
            "",
            " exit-handlers-n7s4n.onExit",
            " └─┬─celebrate",
            "   ├─cry",
            "   └─notify",
        ])
    }

    func testASCIIGlyphs() throws {
        let wf = try XCTUnwrap(Self.fixtures().first(where: { $0.0 == "controller-testdata__steps-failed-retries.json" })?.1)
        let prefixes = TreeBuilder.rows(workflowName: wf.name, nodes: wf.nodes, glyphs: .ascii).map { $0.prefix }
        XCTAssertEqual(prefixes, [" ", " `-+-", "   | |-", "   | `-", "   `-", "     |-", "     `-"])
    }

    func testCyclesAndMissingNodesDoNotHang() {
        var a = NodeStatus(id: "wf", name: "wf", type: "Steps", phase: "Running")
        a.children = ["g"]
        var g = NodeStatus(id: "g", name: "wf[0]", displayName: "[0]", type: "StepGroup", phase: "Running")
        g.boundaryID = "wf"
        g.children = ["g", "missing", "p"]
        var p = NodeStatus(id: "p", name: "wf[0].p", displayName: "p", type: "Pod", phase: "Running")
        p.boundaryID = "p"
        let rows = TreeBuilder.rows(workflowName: "wf", nodes: ["wf": a, "g": g, "p": p])
        XCTAssertEqual(rows.compactMap { $0.nodeID }, ["wf", "p"])
    }

    func testItemIndex() {
        XCTAssertEqual(TreeBuilder.itemIndex("sleep(12:twelve)"), 12)
        XCTAssertEqual(TreeBuilder.itemIndex("fail(1)"), -1)
        XCTAssertEqual(TreeBuilder.itemIndex("a:b(3)"), -1)
    }
}
