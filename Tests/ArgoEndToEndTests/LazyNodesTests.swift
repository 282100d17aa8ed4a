import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoViewModel
import Foundation
import XCTest

/// Opening a big workflow reads only the nodes the screen shows: the tree, its groups, failed steps and lock
/// queue come from the table's columns; a node is read from its bytes when a row, the details or a search
/// needs it.
final class LazyNodesTests: XCTestCase {
    func open(items: Int, cols: Int = 120, rows: Int = 40) throws -> (AppModel, NodeTable) {
        let json = DemoCluster.loopingDAG(name: "fleet-audit-l4zy1", namespace: "argo", items: items,
            failing: Set(stride(from: 13, to: items, by: 97)), now: DemoCluster.frozenNow)
        let wf = try FastWorkflowDecoder.decode(Data(json.serialized()))
        let table = wf.nodes.table
        XCTAssertEqual(table.count, 3 + 5 * items)
        XCTAssertEqual(table.nodesRead, 0)
        let model = AppModel(server: "test", namespace: "argo", now: DemoCluster.frozenNow)
        _ = model.handle(.resize(cols: cols, rows: rows))
        _ = model.start(workflow: ("argo", wf.name))
        _ = model.handle(.workflow(namespace: "argo", name: wf.name, .success(wf), bytes: 0))
        return (model, table)
    }

    func press(_ model: AppModel, _ script: String) {
        for key in try! Key.parseScript(script) { _ = model.handle(key) }
    }

    func testOpeningReadsOnlyWhatTheScreenShows() throws {
        let (model, table) = try open(items: 2000)
        let first = Screens.render(model)
        XCTAssertTrue(first.lines.joined().contains("audit"), "the tree is drawn")
        XCTAssertLessThanOrEqual(table.nodesRead, 40, "a 40-row screen of a 10,003-node workflow")
        // Unfolding the 2,000 items and going to the end draws another screen: about one more screen read.
        press(model, "j j <Space> G")
        _ = Screens.render(model)
        XCTAssertGreaterThan(model.open!.rows.count, 9_000)
        XCTAssertLessThanOrEqual(table.nodesRead, 80)
        // The first failed step: found from the columns, its details read from its bytes.
        let before = table.nodesRead
        press(model, "f")
        let screen = Screens.render(model).lines.joined(separator: "\n")
        XCTAssertNotNil(model.selection?.id)
        XCTAssertTrue(screen.contains("compare-schema") || screen.contains("audit(13:"), screen)
        XCTAssertLessThanOrEqual(table.nodesRead - before, 45)
        // The DAG drawn with lanes, the timeline, the critical path and back: the graph of 10,000 tasks and
        // their times come from the columns too.
        let beforeViews = table.nodesRead
        press(model, "g d")
        _ = Screens.render(model)
        XCTAssertEqual(model.open!.folding.lanes.count, 1, "the root DAG drawn with lanes")
        press(model, "t")
        _ = Screens.render(model)
        press(model, "w")
        _ = Screens.render(model)
        press(model, "<Esc> t d")
        _ = Screens.render(model)
        XCTAssertLessThanOrEqual(table.nodesRead - beforeViews, 120)
    }

    /// What the columns give is what the nodes say: the same tree as from nodes JSONDecoder made.
    func testTheSameTreeAsFromDecodedNodes() throws {
        let json = DemoCluster.loopingDAG(name: "fleet-audit-s4me1", namespace: "argo", items: 150, failing: [7, 90],
            now: DemoCluster.frozenNow)
        let data = Data(json.serialized())
        let fast = try FastWorkflowDecoder.decode(data)
        let slow = try JSONDecoder().decode(Workflow.self, from: data)
        let a = NodeTree(workflowName: fast.name, nodes: fast.nodes)
        let b = NodeTree(workflowName: slow.name, nodes: slow.nodes.dictionary)
        XCTAssertEqual(a.rows(folding: FoldState(), glyphs: .unicode), b.rows(folding: FoldState(), glyphs: .unicode))
        XCTAssertEqual(a.failedSteps, b.failedSteps)
        XCTAssertEqual(a.groups, b.groups)
        XCTAssertEqual(a.failedSteps.count, 2)
        // A search finds the same entries from the document's bytes as from JSONDecoder's nodes.
        for query in ["drift", "PUBLISH", "db-09", "audit(7", "compare-schema", "nothing-like-it", "e"] {
            XCTAssertEqual(a.matches(query), b.matches(query), query)
        }
        XCTAssertFalse(a.matches("drift").isEmpty)
    }

    /// A search reads no node when the names and messages are in the document as written; a node whose name
    /// or message has escapes, or that has a templateRef, is read for it and still found.
    func testSearchReadsNoNodeWhenTheTextsAreAtHand() throws {
        let (model, table) = try open(items: 2000)
        let before = table.nodesRead
        press(model, "/ drift <Enter>")
        XCTAssertTrue(model.notice?.contains("of 11") == true, model.notice ?? "")
        XCTAssertLessThanOrEqual(table.nodesRead - before, 45, "the rows drawn at the match, not every node")
        let text = #"{"metadata":{"name":"w"},"status":{"nodes":{"#
            + #""w":{"id":"w","name":"w","type":"Steps","children":["w-1","w-2","w-3"]},"#
            + #""w-1":{"id":"w-1","name":"w[0].a","displayName":"Caf\u00e9 step","type":"Pod","boundaryID":"w","message":"plain"},"#
            + #""w-2":{"id":"w-2","name":"w[0].b","displayName":"b","type":"Pod","boundaryID":"w","message":"said \"caf\u00e9\""},"#
            + #""w-3":{"id":"w-3","name":"w[0].c","type":"Pod","boundaryID":"w","templateRef":{"name":"t","template":"CAFÉ-main"}}}}}"#
        let wf = try FastWorkflowDecoder.decode(Data(text.utf8))
        let tree = NodeTree(workflowName: "w", nodes: wf.nodes)
        let reference = NodeTree(workflowName: "w", nodes: try JSONDecoder().decode(Workflow.self, from: Data(text.utf8)).nodes.dictionary)
        XCTAssertEqual(tree.matches("café").count, 3, "an escaped name, an escaped message, a templateRef's template")
        for query in ["café", "CAFÉ", "plain", "main", "w", "step"] {
            XCTAssertEqual(tree.matches(query), reference.matches(query), query)
        }
    }
}
