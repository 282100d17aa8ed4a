import ArgoAPI
import ArgoDemo
import ArgoViewModel
import Foundation
import XCTest

/// The list's `/` filter against the demo server: the server is asked with its selectors, every row shown
/// matches, Esc clears, and a workflow that stops matching (its phase moves) leaves the list.
final class ListFilterTests: XCTestCase {
    func testPhaseFilterAsksTheServerAndShowsOnlyFailures() throws {
        let demo = try DemoSession(ordinary: 30)
        defer { demo.stop() }
        XCTAssertTrue(demo.start())
        let everything = demo.model.list.items.count
        try demo.press("/ phase:failed <Enter>")
        let rows = demo.model.list.items
        XCTAssertFalse(rows.isEmpty)
        XCTAssertLessThan(rows.count, everything)
        XCTAssertTrue(rows.allSatisfy { ["Failed", "Error"].contains($0.phase) }, "\(rows.map(\.phase))")
        // Argo Server's list holds the archive's rows too.
        let expected = (demo.cluster.workflows(inNamespace: "argo") + demo.cluster.archivedWorkflows).filter {
            ["Failed", "Error"].contains($0["status"]?["phase"]?.stringValue ?? "")
        }
        XCTAssertEqual(Set(demo.model.list.all.map(\.name)), Set(expected.compactMap { $0["metadata"]?["name"]?.stringValue }))
        let asked = try XCTUnwrap(demo.requests("GET /api/v1/workflows/argo?").last)
        XCTAssertEqual(DemoServer.queryValue("listOptions.labelSelector", in: asked), "workflows.argoproj.io/phase in (Failed,Error)")
        XCTAssertTrue(demo.screen.contains("filter: phase:failed"), demo.screen)

        try demo.press("<Esc>")
        XCTAssertNil(demo.model.listQuery)
        XCTAssertEqual(demo.model.list.items.count, everything)
        XCTAssertFalse(demo.screen.contains("filter:"), demo.screen)
    }

    func testNameWordsAndTemplateNarrowTheList() throws {
        let demo = try DemoSession(ordinary: 30)
        defer { demo.stop() }
        XCTAssertTrue(demo.start())
        try demo.press("/ prod-db <Space> tmpl:db-audit-child <Enter>")
        let names = demo.model.list.items.map(\.name)
        XCTAssertEqual(names.count, 40, "the 40 children of the fleet audit, no parent to fold them under")
        XCTAssertTrue(names.allSatisfy { $0.hasPrefix("child-prod-db-") }, "\(names)")
        let asked = try XCTUnwrap(demo.requests("GET /api/v1/workflows/argo?").last)
        XCTAssertEqual(DemoServer.queryValue("nameFilter", in: asked), "Contains")
        XCTAssertEqual(DemoServer.queryValue("listOptions.fieldSelector", in: asked), "metadata.name=prod-db")
        XCTAssertEqual(
            DemoServer.queryValue("listOptions.labelSelector", in: asked), "workflows.argoproj.io/workflow-template=db-audit-child")

        // Nothing matches: the list says so and how to clear; a bad phase is refused in words and changes nothing.
        try demo.press("<Esc> / zzz-none <Enter>")
        XCTAssertEqual(demo.model.listQuery?.text, "zzz-none")
        XCTAssertTrue(demo.screen.contains("no workflows match “zzz-none” in namespace argo  (Esc clears the filter)"), demo.screen)
        try demo.press("/ <Space> phase:sideways <Enter>")
        XCTAssertEqual(demo.model.listQuery?.text, "zzz-none")
        XCTAssertTrue(demo.screen.contains("unknown phase “sideways”"), demo.screen)
    }

    func testAWorkflowThatStopsMatchingLeavesTheList() throws {
        let demo = try DemoSession(clock: .manual, ordinary: 10)
        defer { demo.stop() }
        XCTAssertTrue(demo.start())
        try demo.press("/ phase:running <Enter>")
        XCTAssertTrue(demo.model.list.items.contains { $0.name == "nightly-etl-5fj2d" })
        // Twenty minutes later the ETL has ended: the watch says so, and the filter drops it.
        for _ in 0..<60 { demo.cluster.advance(by: 20) }
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline, demo.model.list.items.contains(where: { $0.name == "nightly-etl-5fj2d" }) {
            demo.runtime.drain(waiting: 0.1)
        }
        XCTAssertFalse(demo.model.list.items.contains { $0.name == "nightly-etl-5fj2d" })
        XCTAssertTrue(demo.model.list.items.allSatisfy { $0.phase == "Running" }, "\(demo.model.list.items.map(\.phase))")
    }

    func testKubernetesModeFiltersNamesOnTheClient() throws {
        let named = try Harness.headless(size: "120x12", keys: "/ etl <Enter>", extra: ["--api", "kubernetes"])
        XCTAssertTrue(named.screen.contains("nightly-etl-5fj2d"), named.screen)
        XCTAssertFalse(named.screen.contains("weekly-report"), named.screen)
        let phased = try Harness.headless(size: "120x12", keys: "/ phase:pending <Enter>", extra: ["--api", "kubernetes"])
        XCTAssertTrue(phased.screen.contains("weekly-report-q8m2z"), phased.screen)
        XCTAssertFalse(phased.screen.contains("nightly-etl-5fj2d"), phased.screen)
    }
}
