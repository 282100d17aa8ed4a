import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoTerminal
import ArgoViewModel
import Foundation
import XCTest

/// Workflows of workflows through the real runtime and client against the demo server over loopback HTTP:
/// children found by each link, folded under the step that made them, counted in the group row, fetched
/// only when unfolded, and opened on their own with a breadcrumb.
final class ChildWorkflowTests: XCTestCase {
    var demo: DemoSession!
    var model: AppModel { demo.model }

    override func setUpWithError() throws { demo = try DemoSession() }
    override func tearDown() { demo.stop() }

    func open(_ name: String) throws -> NodeTree {
        XCTAssertTrue(demo.start(workflow: name))
        return try XCTUnwrap(model.open?.tree)
    }

    func press(_ keys: String) throws { try demo.press(keys) }
    func screen() -> String { demo.screen }
    func requests(_ prefix: String) -> [String] { demo.requests(prefix) }

    /// Reads of child workflows (not their logs).
    func childReads() -> [String] { requests("GET /api/v1/workflows/argo/child-").filter { !$0.contains("/log?") } }

    func testOwnerAndOutputLinksFoldUnderTheirStepsWithCountsAndNoNodesListed() throws {
        let tree = try open(DemoCluster.auditParent)
        // The candidates' query asks for workflows created after the parent, without nodes.
        let query = try XCTUnwrap(requests("GET /api/v1/workflows/argo?").first { $0.contains("createdAfter=") })
        XCTAssertTrue(query.contains("fields="), query)
        XCTAssertFalse(query.contains("status.nodes"), query)
        XCTAssertEqual(tree.childRefs.count, DemoCluster.auditChildren)
        let failedChild = DemoCluster.auditChildName(DemoCluster.auditFailedChild)
        // Finished steps export the child's name, and every child names its owner: both links agree.
        XCTAssertEqual(tree.childRefs[failedChild]?.link, .owner)
        XCTAssertEqual(tree.childRefs[DemoCluster.auditChildName(30)]?.link, .owner)
        // Each child sits under the loop item that made it (child N under item N-1).
        for i in [1, 6, 7, 19, 40] {
            let name = DemoCluster.auditChildName(i)
            let entry = try XCTUnwrap(tree.entry(ofChild: name))
            let step = try XCTUnwrap(tree.entries[entry].parent.flatMap { tree.node(at: $0) })
            XCTAssertEqual(TreeBuilder.itemIndex(step.shownName), i - 1, name)
        }
        let group = try XCTUnwrap(tree.groups.first { $0.name == "for-each-db" })
        let counts = try XCTUnwrap(group.children)
        XCTAssertEqual(counts.total, 40)
        XCTAssertEqual(counts.queued, 33)
        XCTAssertEqual(counts.byPhase.map { "\($0.phase) \($0.count)" }, ["Succeeded 5", "Failed 1", "Running 1"])
        XCTAssertTrue(screen().contains("40 child workflows  5 ✔  1 ✖  1 ●  33 ⧗ queued"), screen())
        // Nothing of any child was read whole yet.
        XCTAssertTrue(childReads().isEmpty)
    }

    func testUnfoldingFetchesExactlyThatChildAndFWalksIntoIt() throws {
        _ = try open(DemoCluster.auditParent)
        let failedChild = DemoCluster.auditChildName(DemoCluster.auditFailedChild)
        // f lands on the failed child (its tree is not read yet), Space unfolds it, f walks into its failed step.
        try press("f")
        XCTAssertEqual(model.selection?.kind, .child)
        XCTAssertEqual(model.selection?.name, failedChild)
        XCTAssertTrue(screen().contains("\(failedChild) [+]"))
        try press("<Space>")
        XCTAssertEqual(childReads().count, 1)
        XCTAssertEqual(requests("GET /api/v1/workflows/argo/\(failedChild)?").count, 1)
        try press("f")
        XCTAssertEqual(model.selection?.kind, .node)
        XCTAssertEqual(model.selection?.name, "audit-schema")
        XCTAssertEqual(model.selection?.phase, "Failed")
        XCTAssertTrue(screen().contains("table 'payments' has no primary key"))
        // Its log tail comes from the child's pod, not the parent's.
        let tails = requests("GET /api/v1/workflows/argo/\(failedChild)/log?")
        XCTAssertEqual(tails.count, 1, "\(demo.server.requestLog)")
        // Folding and unfolding again reads nothing more.
        try press("<Left> <Left> <Space> <Space>")
        XCTAssertEqual(childReads().count, 1, "\(childReads())")
    }

    func testEnterOpensAChildWithABreadcrumbAndEscComesBackWhereItWasLeft() throws {
        _ = try open(DemoCluster.auditParent)
        try press("f")
        let failedChild = DemoCluster.auditChildName(DemoCluster.auditFailedChild)
        let rowBefore = model.open?.cursor.selected
        try press("<Enter>")
        XCTAssertEqual(model.open?.name, failedChild)
        XCTAssertEqual(model.open?.breadcrumb, [DemoCluster.auditParent])
        XCTAssertTrue(screen().contains("\(DemoCluster.auditParent) › \(failedChild)"), screen())
        XCTAssertTrue(screen().contains("audit-schema"))
        try press("<Esc>")
        XCTAssertEqual(model.view, .workflow)
        XCTAssertEqual(model.open?.name, DemoCluster.auditParent)
        XCTAssertEqual(model.open?.cursor.selected, rowBefore)
        XCTAssertEqual(model.selection?.name, failedChild)
        try press("<Esc>")
        XCTAssertEqual(model.view, .workflows)
    }

    func testTemplateLevelQueueAndInferredChildren() throws {
        let tree = try open(DemoCluster.migrateParent)
        XCTAssertEqual(tree.childRefs.count, 6, "only steps that got the lock made a child")
        // Finished steps name their child in an output; the running ones' children are inferred.
        let links = Dictionary(grouping: tree.childRefs.values, by: \.link).mapValues { $0.map(\.name).sorted() }
        XCTAssertEqual(links[.output], ["child-staging-pg-billing", "child-staging-pg-orders", "child-staging-pg-search", "child-staging-pg-users"])
        XCTAssertEqual(links[.inferred], ["child-staging-pg-audit", "child-staging-pg-events"])
        XCTAssertNil(links[.owner])
        // Each inferred child sits under the step that was running when it was created: the host matches.
        for (name, _) in tree.childRefs {
            let entry = try XCTUnwrap(tree.entry(ofChild: name))
            let step = try XCTUnwrap(tree.entries[entry].parent.flatMap { tree.node(at: $0) })
            let host = String(name.dropFirst("child-staging-".count))
            XCTAssertTrue(step.shownName.hasSuffix(":\(host))"), "\(name) under \(step.shownName)")
        }
        let counts = try XCTUnwrap(tree.groups.first { $0.name == "migrate" }?.children)
        XCTAssertEqual(counts.total, 12)
        XCTAssertEqual(counts.queued, 6, "the Pending steps waiting on the lock count as queued")
        XCTAssertTrue(screen().contains("(inferred)"))
    }
}
