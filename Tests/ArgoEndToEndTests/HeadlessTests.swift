import Foundation
import XCTest

/// Key scripts through the real binary, the real client and the demo server over loopback HTTP.
final class HeadlessTests: XCTestCase {
    func testListOpenBackHelpQuit() throws {
        // The first screen: the list, newest first, with the failed DAG among the rows.
        let first = try Harness.headless(size: "120x40", keys: "")
        XCTAssertTrue(first.screen.hasSuffix("\n"))
        let lines = first.screen.dropLast().components(separatedBy: "\n")
        XCTAssertEqual(lines.count, 40, "exactly ROWS lines")
        XCTAssertTrue(lines[0].contains("argotop"))
        XCTAssertTrue(lines[1].contains("NAME") && lines[1].contains("PROGRESS") && lines[1].contains("MESSAGE"))
        let dbRow = try XCTUnwrap(lines.firstIndex { $0.contains("db-auditing-x7k2p") })
        XCTAssertTrue(lines[dbRow].contains("✖"), "a failed workflow shows the failed icon")
        XCTAssertEqual(first.state["view"] as? String, "workflows")
        XCTAssertEqual(first.state["namespace"] as? String, "argo")
        XCTAssertTrue(first.state["workflow"] is NSNull)
        XCTAssertTrue(first.state["error"] is NSNull)
        XCTAssertEqual(first.state["requests"] as? Int, 2, "the first page, then the watch from its version")
        XCTAssertGreaterThan(first.state["bytesReceived"] as? Int ?? 0, 1000)

        // Move down to it and open it: the tree, with the failed step and its message.
        let down = String(repeating: "j", count: dbRow - 2)
        let opened = try Harness.headless(size: "120x40", keys: "\(down) <Enter>")
        XCTAssertEqual(opened.state["view"] as? String, "workflow")
        XCTAssertEqual(opened.state["workflow"] as? String, "db-auditing-x7k2p")
        let selected = try XCTUnwrap(opened.state["selected"] as? [String: Any])
        XCTAssertEqual(selected["kind"] as? String, "node")
        XCTAssertEqual(selected["id"] as? String, "db-auditing-x7k2p", "the root node is selected first")
        XCTAssertEqual(opened.state["requests"] as? Int, 4, "the list, its watch, the workflow and the query for its children")
        XCTAssertTrue(opened.screen.contains("STEP"))
        XCTAssertTrue(opened.screen.contains("├─✔ list-databases"))
        let failedLine = try XCTUnwrap(opened.screen.components(separatedBy: "\n").first { $0.contains("check-grants") && $0.contains("✖") })
        XCTAssertTrue(failedLine.contains("exit code 3"))
        XCTAssertTrue(opened.screen.contains("db-auditing-x7k2p.onExit"))

        // Down one row selects the first child, by its Argo node id.
        let child = try Harness.headless(size: "120x40", keys: "\(down) <Enter> j")
        let childSelected = try XCTUnwrap(child.state["selected"] as? [String: Any])
        XCTAssertEqual(childSelected["name"] as? String, "list-databases")
        XCTAssertTrue((childSelected["id"] as? String ?? "").hasPrefix("db-auditing-x7k2p-"))
        XCTAssertEqual(childSelected["phase"] as? String, "Succeeded")

        // Back to the list, where the selection stayed; then help; then quit.
        let back = try Harness.headless(size: "120x40", keys: "\(down) <Enter> <Esc>")
        XCTAssertEqual(back.state["view"] as? String, "workflows")
        XCTAssertEqual((back.state["selected"] as? [String: Any])?["name"] as? String, "db-auditing-x7k2p")
        let help = try Harness.headless(size: "120x40", keys: "\(down) <Enter> <Esc> ? q")
        XCTAssertEqual(help.state["view"] as? String, "help")
        XCTAssertTrue(help.screen.contains("Keys"))
        XCTAssertTrue(help.screen.contains("quit argotop"))
        XCTAssertTrue(help.screen.contains("open the selected workflow"))
    }

    func testANamespacedWorkflowArgumentBrowsesThatNamespace() throws {
        let opened = try Harness.headless(size: "100x20", keys: "", extra: ["payments/ledger-reconcile-q3w8z"])
        XCTAssertEqual(opened.state["namespace"] as? String, "payments")
        XCTAssertTrue(opened.screen.contains("ns: payments"), opened.screen)
        let back = try Harness.headless(size: "100x20", keys: "<Esc>", extra: ["payments/ledger-reconcile-q3w8z"])
        XCTAssertEqual(back.state["view"] as? String, "workflows")
        XCTAssertTrue(back.screen.contains("ledger-close-h5v2p") && !back.screen.contains("db-auditing-x7k2p"), back.screen)
    }

    func testWorkflowArgumentOpensDirectlyAndEscGoesToTheList() throws {
        let opened = try Harness.headless(size: "80x24", keys: "", extra: ["argo/integration-tests-r2d2x"])
        XCTAssertEqual(opened.state["view"] as? String, "workflow")
        XCTAssertTrue(opened.screen.contains("run-suite(2)"))
        let back = try Harness.headless(size: "80x24", keys: "<Esc>", extra: ["integration-tests-r2d2x"])
        XCTAssertEqual(back.state["view"] as? String, "workflows")
        let latest = try Harness.headless(size: "80x24", keys: "", extra: ["@latest"])
        XCTAssertEqual(latest.state["workflow"] as? String, "weekly-report-q8m2z", "the newest workflow")
    }

    func testMissingWorkflowSaysSoAndShowsTheList() throws {
        let result = try Harness.headless(size: "80x24", keys: "", extra: ["argo/no-such-wf"])
        XCTAssertEqual(result.state["view"] as? String, "workflows")
        let error = try XCTUnwrap(result.state["error"] as? String)
        XCTAssertTrue(error.contains("not found"), error)
        XCTAssertTrue(result.screen.contains("not found"))
    }

    func testScrollingFetchesMorePagesOnlyWhenNeeded() throws {
        let first = try Harness.headless(size: "80x24", keys: "", extra: ["--demo-workflows", "400"])
        XCTAssertEqual(first.state["requests"] as? Int, 2, "one page fills the first screen (and the watch)")
        let bottom = try Harness.headless(size: "80x24", keys: "G", extra: ["--demo-workflows", "400"])
        XCTAssertEqual(bottom.state["requests"] as? Int, 6, "484 workflows (30 of them archived) in pages of 100, and the watch")
        // 40 of them are children of db-audit-prod-t4k9w, folded under its row.
        XCTAssertTrue(bottom.screen.contains("444 workflows (40 children folded"), bottom.screen)
    }

    func testUnreachableServerIsSaidInWords() throws {
        let stateFile = NSTemporaryDirectory() + "argotop-unreachable-\(UUID().uuidString).json"
        let output = try Harness.run(Harness.binary, ["--server", "http://127.0.0.1:9", "--headless", "--size", "80x24", "--keys", "", "--state-file", stateFile])
        XCTAssertEqual(output.status, 0)
        XCTAssertTrue(output.stdout.contains("cannot reach"), output.stdout)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateFile))) as? [String: Any]
        XCTAssertTrue((state?["error"] as? String ?? "").contains("cannot reach"))
    }

    func testTokenIsNeverPrinted() throws {
        let secret = "s3cr3t-token-value"
        let output = try Harness.run(Harness.binary, ["--server", "http://127.0.0.1:9", "--token", secret, "--headless", "--size", "120x40", "--keys", "?"])
        XCTAssertFalse(output.stdout.contains(secret))
        XCTAssertFalse(output.stderr.contains(secret))
    }

    /// Journey 2 and 3 on the demo's 1,503-node workflow: `f` to the first failed step (with its message and
    /// the end of its log, fetched for it alone), Enter for its outputs, Esc back, `f` to the next.
    func testFailureJourneyOnTheLargeWorkflow() throws {
        let wf = ["argo/db-fleet-audit-9h3kq"]
        let opened = try Harness.headless(size: "120x40", keys: "", extra: wf)
        XCTAssertEqual(opened.state["requests"] as? Int, 4, "the list, its watch, the workflow and its children's query; no log yet")
        XCTAssertTrue(opened.screen.contains("✖ 13 failed"), opened.screen)
        XCTAssertTrue(opened.screen.contains("300 items"), "the fan-out is one folded row")

        let first = try Harness.headless(size: "120x40", keys: "f", extra: wf)
        let selected = try XCTUnwrap(first.state["selected"] as? [String: Any])
        XCTAssertEqual(selected["kind"] as? String, "node")
        XCTAssertTrue(["Failed", "Error"].contains(selected["phase"] as? String ?? ""))
        XCTAssertEqual(first.state["requests"] as? Int, 5, "one log tail, for the selected step only")
        let lines = first.screen.components(separatedBy: "\n")
        let row = try XCTUnwrap(lines.first { $0.hasPrefix("▶") })
        XCTAssertTrue(row.contains("✖"), row)
        XCTAssertTrue(first.screen.contains("failed step 1 of 13"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("  ") && $0.contains("ERROR") }, "the end of its log is shown")
        XCTAssertFalse(first.screen.contains("\u{1B}"), "no raw escape reaches the screen")

        let details = try Harness.headless(size: "120x40", keys: "f <Enter>", extra: wf)
        XCTAssertEqual(details.state["view"] as? String, "node")
        XCTAssertEqual((details.state["selected"] as? [String: Any])?["id"] as? String, selected["id"] as? String)
        XCTAssertTrue(details.screen.contains("OUTPUTS"))
        XCTAssertTrue(details.screen.contains("failure_reason"))
        XCTAssertTrue(details.screen.contains("pod "))

        let next = try Harness.headless(size: "120x40", keys: "f <Enter> <Esc> f", extra: wf)
        XCTAssertEqual(next.state["view"] as? String, "workflow")
        let second = try XCTUnwrap(next.state["selected"] as? [String: Any])
        XCTAssertNotEqual(second["id"] as? String, selected["id"] as? String)
        XCTAssertTrue(next.screen.contains("failed step 2 of 13"))
    }

    /// Journey 3: `l` on a failed step reads its log; search it; `L` shows every failed step's log in turn;
    /// `s` saves the log to a file whose path is shown.
    func testLogsOfAFailedStepAndOfEveryFailedStep() throws {
        let wf = ["argo/db-fleet-audit-9h3kq"]
        let log = try Harness.headless(size: "120x40", keys: "f l", extra: wf)
        XCTAssertEqual(log.state["view"] as? String, "logs")
        XCTAssertEqual((log.state["selected"] as? [String: Any])?["phase"] as? String, "Failed")
        let lines = log.screen.components(separatedBy: "\n")
        XCTAssertTrue(lines[1].contains("log of compare-schema"), lines[1])
        XCTAssertTrue(lines.contains { $0.contains("ERROR schema drift") })
        XCTAssertTrue(log.screen.contains("end of log"))

        let found = try Harness.headless(size: "120x40", keys: "f l / drift <Enter> &", extra: wf)
        XCTAssertTrue(found.screen.contains("only “drift”"))
        let shown = found.screen.components(separatedBy: "\n")[2..<38].filter { !$0.isEmpty }
        XCTAssertFalse(shown.isEmpty)
        XCTAssertTrue(shown.allSatisfy { $0.lowercased().contains("drift") }, "\(shown)")

        let failed = try Harness.headless(size: "120x40", keys: "L", extra: wf)
        XCTAssertTrue(failed.screen.contains("logs of the 13 failed steps"))
        XCTAssertGreaterThanOrEqual(failed.screen.components(separatedBy: "\n").filter { $0.hasPrefix("━━") }.count, 1)

        // A pod that is gone answers an empty log; its node kept the log as an artifact, which `a` reads.
        let gone = try Harness.headless(size: "100x14", keys: "f f l", extra: wf)
        XCTAssertTrue(gone.screen.contains("the pod is likely gone"), gone.screen)
        let archived = try Harness.headless(size: "100x14", keys: "f f l a", extra: wf)
        XCTAssertTrue(archived.screen.contains("from the archived main-logs artifact"), archived.screen)
        XCTAssertTrue(archived.screen.contains("ERROR pg_dump: permission denied"), archived.screen)

        let folder = NSTemporaryDirectory() + "argotop-save-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var environment = ProcessInfo.processInfo.environment
        environment["ARGOTOP_LOG_DIR"] = folder
        let output = try Harness.run(Harness.binary, ["--demo", "--demo-clock", "frozen", "--headless", "--size", "120x40",
            "--keys", "f l s", "argo/db-fleet-audit-9h3kq"], environment: environment)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(files.count, 1)
        XCTAssertTrue(output.stdout.contains("saved the log to " + folder), output.stdout)
        let saved = try String(contentsOfFile: folder + "/" + files[0], encoding: .utf8)
        XCTAssertTrue(saved.contains("ERROR schema drift"))
        XCTAssertTrue(saved.hasPrefix("2026-"), "each line keeps its time")
    }
}

/// The rest of the program does not know which API it talks to: through the demo's Kubernetes paths the
/// screens are the same as through Argo Server. The list is compared on its Running and Pending rows: Argo Server's
/// list also holds the archive's (ended) rows, which the Kubernetes API does not have.
final class KubernetesModeTests: XCTestCase {
    func testTheSameScreensThroughTheKubernetesAPI() throws {
        for (keys, extra) in [("/ phase:running,pending <Enter>", [String]()), ("f", ["argo/db-fleet-audit-9h3kq"]), ("f <Space> f", ["argo/db-audit-prod-t4k9w"]), ("f l", ["argo/db-auditing-x7k2p"])] {
            let argo = try Harness.headless(size: "120x40", keys: keys, extra: extra)
            let kube = try Harness.headless(size: "120x40", keys: keys, extra: ["--api", "kubernetes"] + extra)
            XCTAssertEqual(kube.screen, argo.screen, "keys \(keys) on \(extra)")
            XCTAssertEqual((kube.state["selected"] as? [String: Any])?["id"] as? String, (argo.state["selected"] as? [String: Any])?["id"] as? String)
            XCTAssertTrue(kube.state["error"] is NSNull, "\(kube.state)")
        }
    }
}
