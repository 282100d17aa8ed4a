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

    /// Every common TERM draws and quits cleanly; `dumb` and a non-UTF-8 locale get plain characters. SIGHUP
    /// (an SSH session dropping) and SIGTERM restore the terminal too.
    func testTermValuesAndSignalsLeaveTheTerminalClean() throws {
        let cases: [(term: String, locale: String, ending: String)] = [
            ("xterm-256color", "C.UTF-8", "q"), ("screen", "C.UTF-8", "HUP"), ("tmux-256color", "C.UTF-8", "TERM"),
            ("linux", "C", "q"), ("vt100", "C", "q"), ("dumb", "C.UTF-8", "q"),
        ]
        for (index, c) in cases.enumerated() {
            let session = "t\(index)"
            // The inner shell writes its pid and becomes argotop (exec), in the foreground of the terminal.
            let command = "sh -c 'echo $$ > /tmp/\(socket)-\(index).pid; exec env LANG=\(c.locale) LC_ALL=\(c.locale) TERM=\(c.term) "
                + "\(Harness.binary) --demo --demo-clock frozen'; echo ARGOTOP-EXITED $?; sleep 60"
            let started = try tmux(["new-session", "-d", "-s", session, "-x", "100", "-y", "30", command])
            XCTAssertEqual(started.status, 0, started.stderr)
            func pane() throws -> String { try tmux(["capture-pane", "-p", "-t", session]).stdout }
            let deadline = Date(timeIntervalSinceNow: 20)
            var screen = ""
            while Date() < deadline {
                screen = try pane()
                if screen.contains("db-auditing-x7k2p") { break }
                usleep(100_000)
            }
            XCTAssertTrue(screen.contains("db-auditing-x7k2p"), "\(c.term): the list is drawn:\n\(screen)")
            let plain = c.term == "dumb" || c.locale == "C"
            XCTAssertEqual(screen.contains("✖"), !plain, "\(c.term) \(c.locale): icons only where the terminal can show them")
            if c.ending == "q" {
                _ = try tmux(["send-keys", "-t", session, "q"])
            } else {
                let pid = try String(contentsOfFile: "/tmp/\(socket)-\(index).pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                kill(pid_t(pid)!, c.ending == "HUP" ? SIGHUP : SIGTERM)
            }
            let end = Date(timeIntervalSinceNow: 20)
            while Date() < end {
                screen = try pane()
                if screen.contains("ARGOTOP-EXITED") { break }
                usleep(100_000)
            }
            XCTAssertTrue(screen.contains("ARGOTOP-EXITED"), "\(c.term): argotop ended on \(c.ending):\n\(screen)")
            if c.term != "dumb" {
                XCTAssertFalse(screen.contains("connected"), "\(c.term): the alternate screen is gone after \(c.ending):\n\(screen)")
            } else {
                // A dumb terminal gets whole frames as plain lines, with no escape sequence at all.
                XCTAssertTrue(screen.contains("ARGOTOP-EXITED 0"), screen)
            }
            try? FileManager.default.removeItem(atPath: "/tmp/\(socket)-\(index).pid")
        }
    }
}
