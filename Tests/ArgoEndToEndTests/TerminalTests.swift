import Foundation
import XCTest

/// The real ncurses front in a real terminal (tmux), read back with capture-pane.
final class TerminalTests: XCTestCase {
    let socket = "argotop-test-\(getpid())"

    func tmux(_ args: [String]) throws -> Harness.Output {
        try Harness.run("/usr/bin/env", ["tmux", "-L", socket] + args, timeout: 20)
    }

    func capture() throws -> String { try tmux(["capture-pane", "-p", "-t", "t"]).stdout }

    /// Polls the pane until `predicate` holds, up to `timeout` seconds.
    func waitFor(_ what: String, timeout: Double = 20, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var pane = ""
        while Date() < deadline {
            pane = try capture()
            if predicate(pane) { return pane }
            usleep(100_000)
        }
        XCTFail("timed out waiting for \(what); the pane shows:\n\(pane)")
        return pane
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
    }

    func testCursesFrontDrawsNavigatesAndRestoresTheTerminal() throws {
        let command = "env LANG=C.UTF-8 TERM=xterm-256color \(Harness.binary) --demo --demo-clock frozen; echo ARGOTOP-EXITED $?; sleep 60"
        let started = try tmux(["new-session", "-d", "-s", "t", "-x", "120", "-y", "40", command])
        XCTAssertEqual(started.status, 0, "tmux could not start: \(started.stderr)")

        let list = try waitFor("the workflow list") { $0.contains("db-auditing-x7k2p") && $0.contains("workflows") }
        XCTAssertTrue(list.contains("NAME"))
        XCTAssertTrue(list.contains("✖ db-auditing-x7k2p"), list)

        // Move to the failed workflow and open it.
        let rows = list.components(separatedBy: "\n")
        let dbRow = try XCTUnwrap(rows.firstIndex { $0.contains("db-auditing-x7k2p") })
        for _ in 0..<(dbRow - 2) { _ = try tmux(["send-keys", "-t", "t", "j"]) }
        _ = try tmux(["send-keys", "-t", "t", "Enter"])
        let tree = try waitFor("the node tree") { $0.contains("check-grants") && $0.contains("STEP") }
        XCTAssertTrue(tree.contains("role 'reporting' has SUPERUSER"), tree)

        // Esc back to the list, then resize the window: the screen follows.
        _ = try tmux(["send-keys", "-t", "t", "Escape"])
        _ = try waitFor("the list again") { $0.contains("PROGRESS") && !$0.contains("STEP") }
        _ = try tmux(["resize-window", "-t", "t", "-x", "80", "-y", "24"])
        let small = try waitFor("the resized list") { pane in
            let lines = pane.components(separatedBy: "\n")
            return lines.count >= 23 && lines[22].contains("workflows")
        }
        XCTAssertTrue(small.contains("Enter open"))

        // q quits and leaves the terminal as it was: the UI is gone, the shell goes on.
        _ = try tmux(["send-keys", "-t", "t", "q"])
        let after = try waitFor("argotop to exit") { $0.contains("ARGOTOP-EXITED") }
        XCTAssertTrue(after.contains("ARGOTOP-EXITED 0"), after)
        XCTAssertFalse(after.contains("connected"), "the alternate screen is gone after quitting:\n\(after)")
    }
}
