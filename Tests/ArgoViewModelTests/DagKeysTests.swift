import ArgoAPI
import ArgoDemo
import Foundation
import XCTest

@testable import ArgoViewModel

/// `d`, `w` and `t` on the view-model, driven by keys as the runtime drives it, on the demo's fleet DAG:
/// `list-databases`, then 300 nested DAGs of four chained steps.
final class DagKeysTests: XCTestCase {
    enum Drive {
        static func open(_ wf: Workflow) -> AppModel {
            let model = AppModel(server: "test", namespace: "argo", now: DemoCluster.frozenNow)
            _ = model.handle(.resize(cols: 120, rows: 40))
            _ = model.start(workflow: ("argo", wf.name))
            _ = model.handle(.workflow(namespace: "argo", name: wf.name, .success(wf), bytes: 0))
            return model
        }

        static func press(_ model: AppModel, _ script: String) {
            for key in try! Key.parseScript(script) { _ = model.handle(key) }
        }
    }

    func selectedName(_ model: AppModel) -> String? { model.selection?.name }

    func testLanesKeepTheSelectionAndDrawTheFailedItemsDAG() throws {
        let model = Drive.open(try FailureFirstTreeTests.fleet(failing: [17]))
        Drive.press(model, "f")
        let failed = try XCTUnwrap(model.selection)
        XCTAssertEqual(failed.name, "compare-schema")
        Drive.press(model, "d")
        XCTAssertEqual(model.selection, failed, "switching keeps the selected step")
        let state = try XCTUnwrap(model.open)
        let dagID = try XCTUnwrap(state.tree?.nodes[failed.id!]?.boundaryID)
        XCTAssertEqual(state.folding.lanes, [dagID])
        // The item's DAG: three steps drawn (the fourth was Omitted), one lane, the failed one selected.
        let lanes = state.rows.filter { $0.lane?.below == false }
        XCTAssertEqual(lanes.count, 3)
        XCTAssertEqual(lanes.map { state.tree!.nodes[$0.nodeID!]!.shownName }, ["check-connection", "dump-schema", "compare-schema"])
        XCTAssertTrue(lanes[0].prefix.hasSuffix("◇ "), lanes[0].prefix)
        XCTAssertTrue(lanes[2].prefix.hasSuffix("◆ "), lanes[2].prefix)
        XCTAssertEqual(model.laneSelection?.task, state.tree!.dagGraph(state.tree!.entry(ofNode: dagID)!)!.taskOfEntry[state.selectedEntry])
        Drive.press(model, "d")
        XCTAssertTrue(model.open!.folding.lanes.isEmpty)
        XCTAssertEqual(model.selection, failed)
    }

    func testWhyLateWalksToTheRoot() throws {
        let wf = try FailureFirstTreeTests.fleet(failing: [17])
        let model = Drive.open(wf)
        Drive.press(model, "f")
        let failed = try XCTUnwrap(wf.nodes[model.selection!.id!])
        Drive.press(model, "w")
        XCTAssertEqual(selectedName(model), "dump-schema")
        let waited = try XCTUnwrap(wf.nodes[model.selection!.id!])
        XCTAssertEqual(waited.boundaryID, failed.boundaryID)
        let gap = Format.duration(failed.startedAt!.seconds - waited.finishedAt!.seconds)
        XCTAssertEqual(model.notice, "compare-schema waited for dump-schema, started \(gap) after it ended (its only dependency)"
            + "  ·  chain: compare-schema ← dump-schema ← check-connection  ·  w: on up")
        Drive.press(model, "w")
        XCTAssertEqual(selectedName(model), "check-connection")
        Drive.press(model, "w")
        XCTAssertEqual(selectedName(model), "audit(17:db-017)", "a task with no dependency: up to its DAG")
        Drive.press(model, "w")
        XCTAssertEqual(selectedName(model), "list-databases", "the fan-out waited for the list")
        Drive.press(model, "w")
        XCTAssertEqual(selectedName(model), "list-databases")
        XCTAssertTrue(model.notice?.contains("the root of the chain") == true, model.notice ?? "")
    }

    func testTimelineKeepsSelectionAndOwnsItsKeys() throws {
        let model = Drive.open(try FailureFirstTreeTests.fleet(failing: [17]))
        Drive.press(model, "f")
        let failed = model.selection
        Drive.press(model, "t")
        XCTAssertEqual(model.treeMode, .timeline)
        XCTAssertEqual(model.selection, failed)
        let whole = try XCTUnwrap(model.timelineWindow)
        Drive.press(model, "+ +")
        let zoomed = try XCTUnwrap(model.timelineWindow)
        XCTAssertEqual(zoomed.span, whole.span / 4, accuracy: 0.001)
        // `l` pans here, and asks for no log.
        let effects = try Key.parseScript("l").flatMap { model.handle($0) }
        XCTAssertTrue(effects.isEmpty)
        XCTAssertEqual(model.view, .workflow)
        XCTAssertEqual(model.timelineWindow!.start, zoomed.start + zoomed.span / 4, accuracy: 0.001)
        Drive.press(model, "h h h h h h h h -")
        XCTAssertEqual(model.timelineWindow!.start, whole.start, accuracy: 0.001)
        Drive.press(model, "F f n")
        XCTAssertEqual(model.treeMode, .timeline, "f and F work in the timeline")
        Drive.press(model, "t")
        XCTAssertEqual(model.treeMode, .tree)
        Drive.press(model, "l")
        XCTAssertEqual(model.view, .logs, "in the tree l is the log again")
    }

    /// Moving the selection re-draws only what is on screen; lanes add a little to each row, not to the move.
    func testMovingWithLanesStaysAsFastAsTheTree() throws {
        let model = Drive.open(try FailureFirstTreeTests.fleet(failing: [17, 120, 250]))
        Drive.press(model, "<Space>")  // the fan-out of 300 unfolded: 1,500 rows
        func time(_ script: String) -> Double {
            let start = Date()
            Drive.press(model, script)
            return Date().timeIntervalSince(start)
        }
        let moves = String(repeating: "j ", count: 300)
        let tree = time(moves)
        Drive.press(model, "g d")
        let lanes = time(moves)
        print("300 moves: tree \(Int(tree * 1000)) ms, lanes \(Int(lanes * 1000)) ms")
        XCTAssertLessThan(lanes, tree * 3 + 0.05)
    }

    /// A task with no start time sorts first among siblings in the tree but after its dependency in the lanes;
    /// `f` follows the rows as drawn.
    func testNextFailedFollowsTheLanesOrder() throws {
        func node(_ id: String, _ type: String, _ phase: String, boundary: String?, children: [String], start: String?) -> String {
            let started = start.map { ", \"startedAt\": \"2026-01-01T00:00:\($0)Z\", \"finishedAt\": \"2026-01-01T00:01:00Z\"" } ?? ""
            let inside = boundary.map { ", \"boundaryID\": \"\($0)\"" } ?? ""
            return "\"\(id)\": {\"id\": \"\(id)\", \"name\": \"\(id)\", \"displayName\": \"\(id.split(separator: ".").last!)\", \"type\": \"\(type)\", \"phase\": \"\(phase)\", \"children\": [\(children.map { "\"\($0)\"" }.joined(separator: ","))]\(inside)\(started)}"
        }
        let nodes = [
            node("dag", "DAG", "Failed", boundary: nil, children: ["dag.a", "dag.b"], start: "00"),
            node("dag.a", "Pod", "Succeeded", boundary: "dag", children: ["dag.c"], start: "10"),
            node("dag.b", "Pod", "Failed", boundary: "dag", children: [], start: "05"),
            node("dag.c", "Pod", "Error", boundary: "dag", children: [], start: nil),
        ]
        let json = "{\"metadata\": {\"name\": \"dag\", \"namespace\": \"argo\"}, \"status\": {\"phase\": \"Failed\", \"nodes\": {\(nodes.joined(separator: ","))}}}"
        let wf = try JSONDecoder().decode(Workflow.self, from: Data(json.utf8))
        let model = Drive.open(wf)
        let names = { model.open!.rows.map { model.open!.tree!.nodes[$0.nodeID!]!.shownName } }
        XCTAssertEqual(names(), ["dag", "c", "b", "a"], "the tree: by start time, none first")
        Drive.press(model, "f")
        XCTAssertEqual(selectedName(model), "c")
        Drive.press(model, "d")
        XCTAssertEqual(names(), ["dag", "b", "a", "c"], "the lanes: c after a, which it depends on")
        Drive.press(model, "g f")
        XCTAssertEqual(selectedName(model), "b")
        Drive.press(model, "f")
        XCTAssertEqual(selectedName(model), "c")
        Drive.press(model, "f")
        XCTAssertEqual(selectedName(model), "b", "wrapped")
        Drive.press(model, "F")
        XCTAssertEqual(selectedName(model), "c")
    }
}
