import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoViewModel
import Foundation
import XCTest

/// The lanes and the timeline on the demo's 1,500-node DAG: each move draws a frame, and a frame draws only
/// the rows on screen, so moving stays as fast as in the tree.
final class DagScreenTests: XCTestCase {
    func fleet() throws -> AppModel {
        let json = DemoCluster.loopingDAG(name: "fleet-audit-t3st1", namespace: "argo", items: 300, failing: [17, 120, 250],
            now: DemoCluster.frozenNow)
        let wf = try JSONDecoder().decode(Workflow.self, from: Data(json.serialized()))
        let model = AppModel(server: "test", namespace: "argo", now: DemoCluster.frozenNow)
        _ = model.handle(.resize(cols: 120, rows: 40))
        _ = model.start(workflow: ("argo", wf.name))
        _ = model.handle(.workflow(namespace: "argo", name: wf.name, .success(wf), bytes: 0))
        return model
    }

    func press(_ model: AppModel, _ script: String) {
        for key in try! Key.parseScript(script) { _ = model.handle(key) }
    }

    /// Seconds a frame for `moves` moves down, each drawn.
    func frameTime(_ model: AppModel, moves: Int = 300) -> Double {
        let start = Date()
        for _ in 0..<moves {
            _ = model.handle(.char("j"))
            _ = Screens.render(model)
        }
        return Date().timeIntervalSince(start) / Double(moves)
    }

    func testMovingDrawsOnlyTheScreenInEveryView() throws {
        let model = try fleet()
        press(model, "j j <Space>")  // the fan-out of 300 unfolded: 1,500 rows
        XCTAssertGreaterThan(model.open!.rows.count, 1500)
        press(model, "g")
        let tree = frameTime(model)
        press(model, "g d")
        XCTAssertEqual(model.open!.folding.lanes.count, 1)
        let lanes = frameTime(model)
        press(model, "g t")
        let timeline = frameTime(model)
        print(String(format: "a frame on 1,500 rows: tree %.2f ms, lanes %.2f ms, timeline %.2f ms", tree * 1000, lanes * 1000, timeline * 1000))
        XCTAssertLessThan(lanes, tree * 3 + 0.002)
        XCTAssertLessThan(timeline, tree * 3 + 0.002)
    }

    func testLitEdgesAreTheSelectedTasks() throws {
        let model = try fleet()
        press(model, "f d")
        let canvas = Screens.render(model)
        // The failed step's own lane cell (its row is selected) and the edge into it from the step above.
        let selectedRow = 1 + model.headerLines + 1 + model.open!.cursor.selected - model.open!.cursor.top
        let x = try XCTUnwrap(model.open!.rows[model.open!.cursor.selected].lane?.x)
        XCTAssertEqual(canvas[x, selectedRow].text, "◆")
        // The row above: its dependency, whose node cell touches the selected task through its edge.
        XCTAssertEqual(canvas[x, selectedRow - 1].style, .keyName, "the dependency's edge is lit")
        // Two rows above: check-connection, not a dependency of compare-schema: dim.
        XCTAssertEqual(canvas[x, selectedRow - 2].text, "◇")
        XCTAssertNotEqual(canvas[x, selectedRow - 2].style, .keyName)
    }
}
