import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoViewModel
import Foundation
import XCTest

/// `:cron`, `:lint`, `:archive` and the actions, key by key through the real runtime and client against the
/// demo server on loopback (frozen clock).
final class CronLintActionTests: XCTestCase {
    var session: DemoSession!

    override func setUpWithError() throws {
        session = try DemoSession()
    }

    override func tearDown() {
        session.stop()
    }

    func testCronStripsComeFromTheRunsTheyCreated() throws {
        XCTAssertTrue(session.start())
        try session.press(": cron <Enter>")
        let model = session.model
        XCTAssertEqual(model.view, .cron)
        let rows = Dictionary(uniqueKeysWithValues: model.cronRows.map { ($0.cron.name, $0) })
        let checkout = try XCTUnwrap(rows["synthetic-checkout"])
        XCTAssertEqual(checkout.runs.count, 12, "its runs, read from the archive by their label")
        XCTAssertEqual(checkout.runs.prefix(4).map(\.phase), ["Failed", "Failed", "Failed", "Succeeded"], "newest first")
        XCTAssertEqual(checkout.failuresInARow, 3)
        XCTAssertNil(checkout.stale)
        XCTAssertTrue(session.screen.contains("✔✔✔✔✔✔✔✔✔✖✖✖"), session.screen)
        XCTAssertTrue(session.screen.contains("failing: last 3 runs, for 30m"), session.screen)
        // Both places a run can be: live (the list endpoint) and the archive, by the cron label.
        XCTAssertFalse(session.requests("GET /api/v1/workflows/argo?").filter { $0.contains("cron-workflow") }.isEmpty)
        XCTAssertFalse(session.requests("GET /api/v1/archived-workflows?").filter { $0.contains("cron-workflow") }.isEmpty)
        XCTAssertEqual(session.requests("GET /api/v1/cron-workflows/argo").count, 1)
        // The failing and the stale ones come first; Enter lists a cron's runs, and a run opens as a workflow.
        XCTAssertEqual(model.cronRows.map(\.cron.name), ["synthetic-login-check", "synthetic-checkout", "nightly-report"])
        try session.press("j <Enter>")
        XCTAssertEqual(model.view, .runs)
        XCTAssertEqual(model.ops.runsView?.items.count, 12)
        // Each run shown is read once, whole, for its exit handler's outcome.
        XCTAssertEqual(session.requests("GET /api/v1/archived-workflows/").count, 12)
        XCTAssertTrue(session.screen.contains("✔ alert to #checkout-oncall"), session.screen)
        try session.press("<Enter>")
        XCTAssertEqual(model.view, .workflow)
        XCTAssertEqual(model.open?.workflow?.phase, "Failed")
        XCTAssertTrue(model.open?.workflow?.nodes.values.contains { $0.name.hasSuffix(".onExit") && $0.phase == "Succeeded" } ?? false,
            "the exit handler's outcome is in the run's tree")
        try session.press("<Esc>")
        XCTAssertEqual(model.view, .runs, "Esc comes back to the runs")
    }

    func testStaleCronWithAFrozenClock() throws {
        XCTAssertTrue(session.start())
        try session.press(": cron <Enter>")
        let model = session.model
        let login = try XCTUnwrap(model.cronRows.first { $0.cron.name == "synthetic-login-check" })
        XCTAssertEqual(login.stale, "no data for 45m (due every 5m)")
        XCTAssertEqual(login.runs.first?.phase, "Succeeded", "its runs succeeded: only the missing ones tell")
        XCTAssertTrue(session.screen.contains("no data for 45m (due every 5m)"), session.screen)
        XCTAssertEqual(model.selection?.phase, "stale")
        // Just after its last run it was not stale; a suspended cron never is.
        let lastRun = try XCTUnwrap(login.lastRun)
        XCTAssertNil(AppModel.cronRow(login.cron, runs: login.runs, now: lastRun + 200).stale)
        XCTAssertNotNil(AppModel.cronRow(login.cron, runs: login.runs, now: lastRun + 300 + 121).stale)
        let nightly = try XCTUnwrap(model.cronRows.first { $0.cron.name == "nightly-report" })
        XCTAssertTrue(nightly.suspended)
        XCTAssertNil(nightly.stale)
        XCTAssertNil(nightly.nextRun)
        let checkout = try XCTUnwrap(model.cronRows.first { $0.cron.name == "synthetic-checkout" })
        XCTAssertEqual(checkout.nextRun, DemoCluster.frozenNow + 300, "12:05, its second schedule, comes before 12:10")
    }

    func testEveryHygieneFlagOnAWorkflowBuiltToTripItAndNoneOnACleanOne() throws {
        let cluster = session.cluster
        cluster.update("lint-bad-q2w3e") { _ in cluster.hygieneSample(name: "lint-bad-q2w3e", clean: false) }
        cluster.update("lint-clean-r4t5y") { _ in cluster.hygieneSample(name: "lint-clean-r4t5y", clean: true) }
        XCTAssertTrue(session.start(workflow: "lint-bad-q2w3e"))
        let model = session.model
        let kinds = Set(model.openFlags.map(\.kind))
        XCTAssertEqual(kinds, [.manyPods, .nearSizeLimit, .offloaded, .retriesGrew, .noTTL, .noPodGC])
        XCTAssertTrue(model.openFlags.allSatisfy { !$0.hint.isEmpty })
        XCTAssertTrue(session.screen.contains("⚑ 3,300 pods: consider a workflow of workflows"), session.screen)
        try session.press("<Esc>")
        XCTAssertTrue(session.start(workflow: "lint-clean-r4t5y"))
        XCTAssertEqual(model.openFlags, [])
        XCTAssertFalse(session.screen.contains("⚑"), session.screen)
        // :lint counts them across the namespace, the bad one with what only its whole object told.
        try session.press("<Esc> : lint <Enter>")
        XCTAssertEqual(model.view, .lint)
        var counts: [HygieneFlag.Kind: Int] = [:]
        var named: [HygieneFlag.Kind: [String]] = [:]
        for row in model.lintRows {
            switch row {
            case .flag(let kind, let count): counts[kind] = count
            case .workflow(let wf, let flag): named[flag.kind, default: []].append(wf.name)
            }
        }
        XCTAssertEqual(named[.manyPods], ["lint-bad-q2w3e", "db-fleet-audit-9h3kq"])
        XCTAssertEqual(named[.nearSizeLimit], ["lint-bad-q2w3e"])
        XCTAssertEqual(named[.noTTL]?.sorted(), ["integration-tests-r2d2x", "lint-bad-q2w3e"])
        XCTAssertEqual(named[.noPodGC]?.sorted(), ["lint-bad-q2w3e", "release-approval-m4n8t"])
        for (kind, names) in named { XCTAssertEqual(counts[kind], names.count) }
        XCTAssertFalse(named.values.joined().contains("lint-clean-r4t5y"))
    }

    func testArchiveListsAndOpensReadOnly() throws {
        XCTAssertTrue(session.start())
        try session.press(": archive <Enter>")
        let model = session.model
        XCTAssertEqual(model.view, .archive)
        XCTAssertEqual(model.ops.archive.count, 30)
        XCTAssertTrue(session.screen.contains("archive"), session.screen)
        try session.press("<Enter>")
        XCTAssertEqual(model.view, .workflow)
        let uid = try XCTUnwrap(model.open?.archivedUID)
        XCTAssertEqual(session.requests("GET /api/v1/archived-workflows/\(uid)").count, 1)
        XCTAssertNotNil(model.open?.tree, "the same tree as a live workflow")
        XCTAssertTrue(session.screen.contains("from the archive (read-only)"), session.screen)
        try session.press("R")
        XCTAssertNil(model.ops.confirm)
        XCTAssertTrue(model.notice?.contains("archived") ?? false, model.notice ?? "")
        XCTAssertTrue(session.requests("PUT").isEmpty)
    }

    func testRetryAFailedStepFromItsRowAsksNamingItThenSends() throws {
        XCTAssertTrue(session.start(workflow: "db-fleet-audit-9h3kq"))
        try session.press("f R")
        let model = session.model
        let pending = try XCTUnwrap(model.ops.confirm)
        XCTAssertTrue(pending.question.contains("db-fleet-audit-9h3kq"))
        XCTAssertTrue(pending.question.contains("compare-schema"))
        XCTAssertTrue(session.screen.contains("y: yes, retry"), session.screen)
        XCTAssertTrue(session.requests("PUT").isEmpty, "nothing before y")
        // Any other key cancels.
        try session.press("n")
        XCTAssertNil(model.ops.confirm)
        XCTAssertTrue(session.requests("PUT").isEmpty)
        try session.press("R y")
        XCTAssertEqual(session.requests("PUT"), ["PUT /api/v1/workflows/argo/db-fleet-audit-9h3kq/retry"])
        let body = try XCTUnwrap(session.server.requestBodies.last?.body)
        XCTAssertTrue(body.contains("\"nodeFieldSelector\":\"id=\(pending.request.nodeID ?? "-")\""), body)
        XCTAssertTrue(body.contains("\"restartSuccessful\":true"), body)
        XCTAssertTrue(model.notice?.contains("the server answered") ?? false, model.notice ?? "")
        XCTAssertEqual(model.open?.workflow?.phase, "Running", "read again after the answer")
        XCTAssertEqual(session.cluster.workflow(named: "db-fleet-audit-9h3kq")?["status"]?["phase"]?.stringValue, "Running")
    }

    func testStopFromTheListThenTheListKnowsItEnded() throws {
        XCTAssertTrue(session.start())
        let model = session.model
        // The list's second row is nightly-etl-5fj2d, Running.
        try session.press("j")
        XCTAssertEqual(model.selection?.name, "nightly-etl-5fj2d")
        try session.press("S y")
        XCTAssertEqual(session.requests("PUT"), ["PUT /api/v1/workflows/argo/nightly-etl-5fj2d/stop"])
        XCTAssertEqual(session.cluster.workflow(named: "nightly-etl-5fj2d")?["status"]?["phase"]?.stringValue, "Failed")
        // The list learns it through its watch; then the model refuses before asking.
        for _ in 0..<50 where model.selection?.phase != "Failed" { session.runtime.drain(waiting: 0.1) }
        XCTAssertEqual(model.selection?.phase, "Failed")
        try session.press("S")
        XCTAssertNil(model.ops.confirm)
        XCTAssertEqual(session.requests("PUT").count, 1)
    }

    func testReadonlyRefusesAndTheHelpSaysSo() throws {
        session.model.readonly = true
        XCTAssertTrue(session.start(workflow: "db-fleet-audit-9h3kq"))
        try session.press("f R")
        XCTAssertNil(session.model.ops.confirm)
        XCTAssertTrue(session.model.notice?.contains("--readonly") ?? false)
        try session.press("y")
        XCTAssertTrue(session.requests("PUT").isEmpty)
        try session.press("?")
        XCTAssertTrue(session.screen.contains("--readonly"), session.screen)
        XCTAssertFalse(session.screen.contains("retry the workflow"), session.screen)
    }

    func testRowsFromTheArchiveSaySoAndOpenFromIt() throws {
        // Argo Server merges archived workflows into its list, labelled Persisted; the demo's list does not, so
        // one is put in, as a merging server would answer it.
        let cluster = session.cluster
        let archived = try XCTUnwrap(cluster.archivedWorkflows.first { $0["metadata"]?["name"]?.stringValue == "data-export-2xkq9" })
        cluster.update("data-export-2xkq9") { _ in archived }
        XCTAssertTrue(session.start())
        let model = session.model
        let row = try XCTUnwrap(model.list.items.firstIndex { $0.name == "data-export-2xkq9" })
        try session.press(String(repeating: "j ", count: row))
        XCTAssertEqual(model.selection?.name, "data-export-2xkq9")
        let line = try XCTUnwrap(session.screen.split(separator: "\n").first { $0.contains("data-export-2xkq9") })
        XCTAssertTrue(line.contains("⌂ archived"), String(line))
        try session.press("<Enter>")
        XCTAssertNotNil(model.open?.archivedUID)
        XCTAssertEqual(session.requests("GET /api/v1/archived-workflows/").count, 1)
        XCTAssertEqual(model.open?.workflow?.phase, "Failed")
    }

    func testCompressedNodesRaiseTheirFlagThroughTheKubernetesAPI() throws {
        var settings = ConnectionSettings(baseURL: session.server.url, namespace: "argo")
        settings.api = .kubernetes
        let kube = ArgoClient(settings: settings)
        defer { kube.shutdown() }
        let done = expectation(description: "get")
        let box = CronTestBox<Result<Workflow, APIError>>()
        kube.getWorkflow(namespace: "argo", name: "db-fleet-audit-9h3kq") { event in
            if case .done(let result, _) = event {
                box.value = result
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 30)
        let wf = try XCTUnwrap(box.value).get()
        XCTAssertFalse(wf.nodes.isEmpty)
        XCTAssertTrue(Hygiene.flags(of: wf).contains { $0.kind == .compressed })
        XCTAssertFalse(Hygiene.flags(of: wf).contains { $0.kind == .offloaded })
    }
}

final class CronTestBox<T>: @unchecked Sendable {
    var value: T?
}
