@testable import ArgoAPI
import ArgoDemo
import Foundation
import XCTest

@testable import ArgoViewModel

/// Watch changes applied to the list and to the open workflow, on the view-model.
final class LiveUpdateTests: XCTestCase {
    func workflow(_ name: String, created: Double, phase: String = "Running", progress: String = "0/1") -> Workflow {
        var meta = ObjectMeta(name: name, namespace: "argo", creationTimestamp: Timestamp(seconds: created))
        meta.uid = name
        var status = WorkflowStatus()
        status.phase = phase
        status.progress = progress
        return Workflow(metadata: meta, status: status)
    }

    func listed(_ count: Int, complete: Bool = true) -> (AppModel, [Effect]) {
        let model = AppModel(server: "t", namespace: "argo", now: 10_000)
        _ = model.handle(.resize(cols: 80, rows: 14))
        _ = model.start(workflow: nil)
        var page = WorkflowList()
        page.items = (0..<count).map { workflow("wf-\($0)", created: Double(5_000 - $0)) }
        page.metadata = ListMeta(continue: complete ? nil : "100", resourceVersion: "41")
        let effects = model.handle(.listPage(continueToken: nil, .success(page), bytes: 100))
        return (model, effects)
    }

    func names(_ model: AppModel) -> [String] { model.list.items.map { $0.name } }

    func testTheListIsWatchedFromItsVersion() {
        let (_, effects) = listed(3)
        XCTAssertEqual(effects, [.watchList(namespace: "argo", resourceVersion: "41", generation: 1)])
    }

    func testChangesApplyInPlaceWithoutMovingTheSelection() {
        let (model, _) = listed(30)
        _ = (0..<15).map { _ in model.handle(.down) }
        let selected = names(model)[model.list.cursor.selected]
        let top = model.list.cursor.top
        let topName = names(model)[top]
        // A new workflow (newest) appears above the screen; one above is deleted; one is modified in place.
        _ = model.handle(.listWatch(generation: 1, .changes([
            WorkflowChange(kind: .added, workflow: workflow("new-one", created: 9_000)),
            WorkflowChange(kind: .deleted, workflow: workflow("wf-1", created: 4_999)),
            WorkflowChange(kind: .modified, workflow: workflow("wf-20", created: 4_980, phase: "Failed", progress: "1/1")),
        ], bytes: 300)))
        XCTAssertEqual(names(model).first, "new-one")
        XCTAssertFalse(names(model).contains("wf-1"))
        XCTAssertEqual(model.list.items.first { $0.name == "wf-20" }?.phase, "Failed")
        XCTAssertEqual(names(model).count, 30)
        XCTAssertEqual(names(model)[model.list.cursor.selected], selected, "the selection stays on its workflow")
        XCTAssertEqual(names(model)[model.list.cursor.top], topName, "the rows on screen stay where they were")
        XCTAssertEqual(model.list.cursor.top, top)
    }

    func testAtTheTopNewWorkflowsShowAtTheTop() {
        let (model, _) = listed(30)
        _ = (0..<3).map { _ in model.handle(.down) }
        XCTAssertEqual(model.list.cursor.top, 0)
        _ = model.handle(.listWatch(generation: 1, .changes([
            WorkflowChange(kind: .added, workflow: workflow("new-one", created: 9_000)),
            WorkflowChange(kind: .added, workflow: workflow("new-two", created: 9_001)),
        ], bytes: 200)))
        XCTAssertEqual(model.list.cursor.top, 0, "the top of the list stays in view")
        XCTAssertEqual(Array(names(model).prefix(2)), ["new-two", "new-one"])
        XCTAssertEqual(names(model)[model.list.cursor.selected], "wf-3", "the selection moves down with its row")
    }

    func testAnAddedWorkflowOlderThanTheLoadedPagesWaitsForItsPage() {
        let (model, _) = listed(5, complete: false)
        _ = model.handle(.listWatch(generation: 1, .changes([WorkflowChange(kind: .added, workflow: workflow("old", created: 1))], bytes: 10)))
        XCTAssertFalse(names(model).contains("old"))
    }

    func testTooOldListsAgainAndKeepsTheSelection() {
        let (model, _) = listed(10)
        _ = model.handle(.down)
        _ = model.handle(.down)
        let effects = model.handle(.listWatch(generation: 1, .tooOld))
        XCTAssertEqual(effects, [.fetchListPage(continueToken: nil)])
        var page = WorkflowList()
        page.items = (0..<10).map { workflow("wf-\($0)", created: Double(5_000 - $0)) }
        page.metadata = ListMeta(continue: nil, resourceVersion: "90")
        let again = model.handle(.listPage(continueToken: nil, .success(page), bytes: 100))
        XCTAssertEqual(again, [.watchList(namespace: "argo", resourceVersion: "90", generation: 2)])
        XCTAssertEqual(names(model)[model.list.cursor.selected], "wf-2")
        // Events of the replaced watch are ignored.
        _ = model.handle(.listWatch(generation: 1, .changes([WorkflowChange(kind: .deleted, workflow: workflow("wf-2", created: 4_998))], bytes: 1)))
        XCTAssertTrue(names(model).contains("wf-2"))
    }

    func testALostConnectionSaysSoAndKeepsTheRows() {
        let (model, _) = listed(10)
        _ = model.handle(.listWatch(generation: 1, .reconnecting("connection reset")))
        XCTAssertEqual(model.connection, .retrying)
        XCTAssertTrue(model.error?.contains("connection lost") == true)
        XCTAssertEqual(names(model).count, 10)
        _ = model.handle(.listWatch(generation: 1, .resumed))
        XCTAssertNil(model.error)
    }

    /// The open workflow's nodes are read again only when its phase or progress moved, and not more often than
    /// once per cool-down.
    func testNodesAreReadAgainOnlyWhenTheyMovedAndAtMostOncePerInterval() throws {
        let wf = try FailureFirstTreeTests.fleet(items: 10, failing: [])
        let (model, _) = listed(3)
        _ = model.start(workflow: ("argo", wf.name))
        let first = model.handle(.workflow(namespace: "argo", name: wf.name, .success(wf), bytes: 2_097_152))
        // The cool-down's timer, and the query for the workflow's children (once, on the first read).
        XCTAssertEqual(first.first, .timer(after: AppModel.refreshInterval(bytes: 2_097_152), tag: "nodes:argo/\(wf.name)"))
        XCTAssertEqual(first.count, 2)
        guard case .fetchChildCandidates(let ns, let parent, _, nil)? = first.last else { return XCTFail("\(first)") }
        XCTAssertEqual([ns, parent], ["argo", wf.name])
        XCTAssertEqual(AppModel.refreshInterval(bytes: 2_097_152), 8, accuracy: 0.001)
        var same = wf
        same.status?.nodes = nil
        // Nothing moved: nothing to read.
        XCTAssertTrue(model.handle(.listWatch(generation: 1, .changes([WorkflowChange(kind: .modified, workflow: same)], bytes: 1))).isEmpty)
        XCTAssertFalse(model.open!.stale)
        // Progress moved during the cool-down: stale, read when it ends, and only once for many changes.
        var moved = same
        moved.status?.progress = "1/40"
        XCTAssertTrue(model.handle(.listWatch(generation: 1, .changes([WorkflowChange(kind: .modified, workflow: moved)], bytes: 1))).isEmpty)
        moved.status?.progress = "2/40"
        XCTAssertTrue(model.handle(.listWatch(generation: 1, .changes([WorkflowChange(kind: .modified, workflow: moved)], bytes: 1))).isEmpty)
        XCTAssertTrue(model.open!.stale)
        XCTAssertEqual(model.open?.workflow?.status?.progress, "2/40", "the summary is live")
        XCTAssertEqual(model.open?.workflow?.nodes.count, wf.nodes.count, "the nodes stay until read again")
        XCTAssertEqual(model.handle(.timer("nodes:argo/\(wf.name)")), [.fetchWorkflow(namespace: "argo", name: wf.name)])
        XCTAssertTrue(model.handle(.timer("nodes:argo/\(wf.name)")).isEmpty, "no second read for the same news")
    }
}
