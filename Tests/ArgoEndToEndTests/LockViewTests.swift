import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoTerminal
import ArgoViewModel
import Foundation
import XCTest

/// "Why is it pending?" through the real runtime and client against the demo server: queued workflows and
/// steps say which lock, its limit, who holds it and their place in the queue; `:sem` lists every lock and,
/// for one, its holders and waiters in order; the queue moves with the clock.
final class LockViewTests: XCTestCase {
    var demo: DemoSession!
    var model: AppModel { demo.model }
    var cluster: DemoCluster { demo.cluster }
    var server: DemoServer { demo.server }
    var runtime: Runtime { demo.runtime }

    func start(clock: DemoClock = .frozen) throws { demo = try DemoSession(clock: clock) }
    override func tearDown() { demo?.stop() }
    func press(_ keys: String) throws { try demo.press(keys) }
    func screen() -> String { demo.screen }
    func listed() throws { XCTAssertTrue(demo.start()) }

    func testSemListsEveryLockWithLimitHoldersAndQueue() throws {
        try start()
        try listed()
        try press(": sem <Enter>")
        XCTAssertEqual(model.view, .semaphores)
        let query = try XCTUnwrap(server.requestLog.first { $0.contains("labelSelector=") })
        XCTAssertTrue(query.removingPercentEncoding?.contains("workflows.argoproj.io/phase in (Pending,Running)") == true, query)
        XCTAssertFalse(query.contains("status.nodes"))
        // The template-level queue lives in the parent's steps: that parent alone was read whole for it.
        let reads = server.requestLog.filter { $0.hasPrefix("GET /api/v1/workflows/argo/") && !$0.hasPrefix("GET /api/v1/workflows/argo?") }
        XCTAssertEqual(reads.map { $0.components(separatedBy: "?")[0] }, ["GET /api/v1/workflows/argo/\(DemoCluster.migrateParent)"])

        let keys = model.lockBook.locks.map(\.key.raw)
        XCTAssertEqual(keys, ["argo/ConfigMap/semaphore-config/db-audit", "argo/ConfigMap/semaphore-config/db-migrate", "argo/ConfigMap/semaphore-config/reports"])
        let audit = try XCTUnwrap(model.lockBook.lock(keys[0]))
        XCTAssertEqual(audit.limit, 1)
        XCTAssertEqual(audit.holders.map(\.display), [DemoCluster.auditChildName(7)])
        XCTAssertEqual(audit.waiters.map(\.name), (8...40).map(DemoCluster.auditChildName))
        let migrate = try XCTUnwrap(model.lockBook.lock(keys[1]))
        XCTAssertEqual(migrate.limit, 2)
        XCTAssertEqual(migrate.holders.count, 2)
        XCTAssertEqual(migrate.waiters.map(\.name), ["migrate(6:pg-ledger)", "migrate(7:pg-mail)", "migrate(8:pg-geo)", "migrate(9:pg-cache)", "migrate(10:pg-stats)", "migrate(11:pg-auth)"])
        let lines = screen().components(separatedBy: "\n")
        let auditRow = try XCTUnwrap(lines.first { $0.contains("semaphore-config/db-audit") })
        XCTAssertTrue(auditRow.contains("33") && auditRow.contains(DemoCluster.auditChildName(7)), auditRow)
        XCTAssertTrue(lines.contains { $0.contains("semaphore-config/db-migrate") && $0.contains("migrate(5:pg-events) of \(DemoCluster.migrateParent)") }, screen())

        // Enter on the first lock: its holder, then its waiters in order.
        try press("<Enter>")
        XCTAssertEqual(model.selection?.kind, .holder)
        XCTAssertTrue(screen().contains("WAITING, IN QUEUE ORDER (33)"))
        try press(String(repeating: "j ", count: 13))
        XCTAssertEqual(model.selection?.kind, .waiter)
        XCTAssertEqual(model.selection?.name, DemoCluster.auditChildName(19))
        XCTAssertEqual(model.selection?.phase, "12 of 33")
        // Enter opens it; it says why it waits, in plain words; Esc back to the lock, to every lock, to the list.
        try press("<Enter>")
        XCTAssertEqual(model.view, .workflow)
        XCTAssertEqual(model.open?.name, DemoCluster.auditChildName(19))
        let wf = try XCTUnwrap(model.open?.workflow)
        XCTAssertEqual(model.lockLine(of: wf), "waiting for semaphore argo/ConfigMap/semaphore-config/db-audit (limit 1): held by child-prod-db-07, 12th of 33 in queue")
        // At 120 columns the sentence does not fit the header: the place in the queue comes first.
        XCTAssertTrue(screen().contains("⧗ 12th of 33 in queue for argo/ConfigMap/semaphore-config/db-audit (limit 1), held by child-prod-db-07"), screen())
        try press("<Esc>")
        XCTAssertEqual(model.view, .semaphores)
        XCTAssertNotNil(model.locksView.openLock)
        try press("<Esc>")
        XCTAssertNil(model.locksView.openLock)
        try press("<Esc>")
        XCTAssertEqual(model.view, .workflows)
    }

    func testAWaitingStepOpensFromSemAtItsRow() throws {
        try start()
        try listed()
        try press(": sem <Enter> j <Enter> j j j j j")
        XCTAssertEqual(model.selection?.kind, .waiter)
        XCTAssertEqual(model.selection?.name, "migrate(8:pg-geo)")
        try press("<Enter>")
        XCTAssertEqual(model.open?.name, DemoCluster.migrateParent)
        XCTAssertEqual(model.selection?.name, "migrate(8:pg-geo)", "the step waiting is selected")
        let lines = screen().components(separatedBy: "\n")
        let row = try XCTUnwrap(lines.first { $0.contains("migrate(8:pg-geo)") && $0.contains("⧗") })
        XCTAssertTrue(row.contains("3rd of 6 in queue for"), row)
        // The pane says it in full, over two lines at 120 columns.
        let flat = screen().components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("⧗ waiting for semaphore argo/ConfigMap/semaphore-config/db-migrate (limit 2): held by migrate(5:pg-events), migrate(4:pg-audit), 3rd of 6 in queue"), screen())
    }

    func testUnknownCommandSaysWhatIsKnown() throws {
        try start()
        try listed()
        try press(": nope <Enter>")
        XCTAssertEqual(model.view, .workflows)
        XCTAssertTrue(model.notice?.contains(":sem") == true)
    }

    /// The queue moves: 30 s later the holder is done, the next child holds the lock and everyone moves up.
    func testTheQueueMovesWithTheClock() throws {
        try start(clock: .manual)
        try listed()
        let waiter = try XCTUnwrap(model.list.all.first { $0.name == DemoCluster.auditChildName(19) })
        XCTAssertEqual(model.lockLine(of: waiter, short: true)?.hasPrefix("12th of 33 in queue"), true)
        cluster.advance(by: DemoCluster.auditQueueStepSeconds + 1)
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline {
            runtime.drain(waiting: 0.05)
            let now = model.list.all.first { $0.name == DemoCluster.auditChildName(19) }
            if let now, model.lockLine(of: now, short: true)?.hasPrefix("11th of 32") == true { break }
        }
        let moved = try XCTUnwrap(model.list.all.first { $0.name == DemoCluster.auditChildName(19) })
        XCTAssertEqual(model.lockLine(of: moved, short: true), "11th of 32 in queue for argo/ConfigMap/semaphore-config/db-audit (limit 1), held by \(DemoCluster.auditChildName(8))")
        let tally = try XCTUnwrap(model.list.childTallies["argo/\(DemoCluster.auditParent)"])
        XCTAssertEqual(tally.queued, 32)
        XCTAssertEqual(tally.byPhase.map { "\($0.phase) \($0.count)" }, ["Succeeded 6", "Failed 1", "Running 1"])
    }
}

/// `:ns`: a picker of the namespaces that have workflows, and `:ns NAME` to switch at once.
final class NamespaceSwitchTests: XCTestCase {
    func testPickerListsNamespacesAndSwitchesTheList() throws {
        for api in [[], ["--api", "kubernetes"]] {
            let picker = try Harness.headless(size: "80x24", keys: ": ns <Enter>", extra: api)
            XCTAssertEqual(picker.state["view"] as? String, "namespaces")
            XCTAssertTrue(picker.screen.contains("(all namespaces)") && picker.screen.contains("argo  (browsed now)"), picker.screen)
            // The first choice is every namespace: the list comes back with a NAMESPACE column.
            let all = try Harness.headless(size: "80x24", keys: ": ns <Enter> <Enter>", extra: api)
            XCTAssertEqual(all.state["view"] as? String, "workflows")
            XCTAssertEqual(all.state["namespace"] as? String, "")
            XCTAssertTrue(all.screen.contains("NAMESPACE") && all.screen.contains("ns: (all)"), all.screen)
        }
        let other = try Harness.headless(size: "80x24", keys: ": ns <Space> staging <Enter>")
        XCTAssertEqual(other.state["namespace"] as? String, "staging")
        XCTAssertTrue(other.screen.contains("no workflows in namespace staging"), other.screen)
        let back = try Harness.headless(size: "80x24", keys: ": ns <Space> staging <Enter> : ns <Space> argo <Enter>")
        XCTAssertTrue(back.screen.contains("weekly-report-q8m2z"), back.screen)
        XCTAssertTrue(back.state["error"] is NSNull)
    }
}

/// Resizing while a log streams and the cluster moves: every frame draws at its new size, nothing traps, and
/// the stream goes on.
final class ResizeDuringStreamTests: XCTestCase {
    func testResizingWhileALogFollowsIsSafe() throws {
        let demo = try DemoSession(clock: .live(speed: 20))
        defer { demo.stop() }
        XCTAssertTrue(demo.start(workflow: "nightly-etl-5fj2d"))
        // The running transform's log, followed.
        try demo.press("/ events <Enter> l")
        XCTAssertEqual(demo.model.view, .logs)
        var sizes: [(Int, Int)] = []
        for i in 0..<120 { sizes.append(([20, 45, 80, 120, 200, 7][i % 6], [6, 24, 40, 3, 60, 10][(i / 6) % 6])) }
        for (cols, rows) in sizes {
            demo.runtime.perform(demo.model.handle(.resize(cols: cols, rows: rows)))
            demo.runtime.drain(waiting: 0.01)
            demo.model.now = demo.cluster.now
            let canvas = Screens.render(demo.model)
            XCTAssertEqual(canvas.lines.count, rows)
            XCTAssertTrue(canvas.lines.allSatisfy { DisplayText.width($0) <= cols }, "\(cols)x\(rows)")
        }
        let lines = demo.model.logs?.lines.count ?? 0
        XCTAssertGreaterThan(lines, 0, "the log kept coming")
        XCTAssertEqual(demo.model.view, .logs)
    }
}
