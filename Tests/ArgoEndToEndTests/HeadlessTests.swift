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
        XCTAssertEqual(first.state["requests"] as? Int, 1)
        XCTAssertGreaterThan(first.state["bytesReceived"] as? Int ?? 0, 1000)

        // Move down to it and open it: the tree, with the failed step and its message.
        let down = String(repeating: "j", count: dbRow - 2)
        let opened = try Harness.headless(size: "120x40", keys: "\(down) <Enter>")
        XCTAssertEqual(opened.state["view"] as? String, "workflow")
        XCTAssertEqual(opened.state["workflow"] as? String, "db-auditing-x7k2p")
        let selected = try XCTUnwrap(opened.state["selected"] as? [String: Any])
        XCTAssertEqual(selected["kind"] as? String, "node")
        XCTAssertEqual(selected["id"] as? String, "db-auditing-x7k2p", "the root node is selected first")
        XCTAssertEqual(opened.state["requests"] as? Int, 2)
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
        XCTAssertEqual(first.state["requests"] as? Int, 1, "one page fills the first screen")
        let bottom = try Harness.headless(size: "80x24", keys: "G", extra: ["--demo-workflows", "400"])
        XCTAssertEqual(bottom.state["requests"] as? Int, 5, "405 workflows in pages of 100")
        XCTAssertTrue(bottom.screen.contains("405 workflows"))
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
}
