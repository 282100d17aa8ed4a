import Foundation
import XCTest

/// Faults injected by the demo server (`--demo-fault KIND[:TARGET][:once]`) on each endpoint family, through
/// the real binary in headless mode: argotop stays up (exit 0), says what happened in words, and keeps what it
/// already showed. `ARGOTOP_HEADLESS_SETTLE` lets retries and stream failures land before the screen is taken;
/// `ARGOTOP_STALL_SECONDS` and `ARGOTOP_MAX_BODY_BYTES` keep stalls and caps cheap.
final class FaultMatrixTests: XCTestCase {
    /// The list rows of the frozen demo, which must stay on screen when something later fails.
    static let listRows = ["weekly-report-q8m2z", "db-auditing-x7k2p", "backup-postgres-xb8tz"]
    /// From the list to db-auditing-x7k2p (below the demo's workflows of workflows and the archived cron runs)
    /// and open it.
    static let openAuditing = String(repeating: "j", count: 14) + " <Enter>"
    /// Open db-fleet-audit-9h3kq's first failed step's log.
    static let fleet = "argo/db-fleet-audit-9h3kq"

    struct Run {
        var screen: String
        var state: [String: Any]
        var error: String { state["error"] as? String ?? "" }
        var view: String { state["view"] as? String ?? "" }
    }

    func run(
        _ fault: String, keys: String = "", _ extra: [String] = [], settle: Double? = nil, env: [String: String] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Run {
        var environment = ["ARGOTOP_STALL_SECONDS": "1"].merging(env) { $1 }
        if let settle { environment["ARGOTOP_HEADLESS_SETTLE"] = String(settle) }
        // Harness.headless asserts exit status 0.
        let result = try Harness.headless(size: "120x40", keys: keys, extra: ["--demo-fault", fault] + extra, environment: environment)
        return Run(screen: result.screen, state: result.state)
    }

    func assertWords(_ r: Run, _ words: [String], onScreen: Bool = true, file: StaticString = #filePath, line: UInt = #line) {
        for word in words {
            XCTAssertTrue(r.error.localizedCaseInsensitiveContains(word), "state error lacks \(word): \(r.error)", file: file, line: line)
            if onScreen {
                // The bottom line is cut at the width: look for the word's start.
                let flat = r.screen.replacingOccurrences(of: "\n", with: " ")
                XCTAssertTrue(flat.localizedCaseInsensitiveContains(word), "screen lacks \(word):\n\(r.screen)", file: file, line: line)
            }
        }
    }

    func assertListStays(_ r: Run, file: StaticString = #filePath, line: UInt = #line) {
        for row in FaultMatrixTests.listRows {
            XCTAssertTrue(r.screen.contains(row), "list row \(row) is gone:\n\(r.screen)", file: file, line: line)
        }
    }

    // MARK: list

    func testList401SaysTokenAndHowToRefresh() throws {
        let r = try run("status:401:list")
        // What to do comes first, so that it is on screen even at 120 columns.
        assertWords(r, ["401", "token", "argo auth token", "ARGO_TOKEN"])
        // The body says the list failed instead of promising it is loading.
        XCTAssertTrue(r.screen.contains("the list could not be read"), r.screen)
        XCTAssertFalse(r.screen.contains("loading workflows"), r.screen)
    }

    func testList403NamesTheNamespace() throws {
        let r = try run("status:403:list")
        assertWords(r, ["403 Forbidden", "namespace argo"])
    }

    func testList500IsRetriedWithBackoff() throws {
        let r = try run("status:500:list")
        assertWords(r, ["server error 500", "retrying the list"])
        XCTAssertTrue(r.screen.contains("retrying"))
    }

    func testList503OnceRecovers() throws {
        let r = try run("status:503:list:once", settle: 1.5)
        assertListStays(r)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
    }

    func testListHTML502SaysAProxyAnsweredHTML() throws {
        let r = try run("html502:list")
        assertWords(r, ["502", "text/html", "retrying"])
    }

    func testListTruncatedSaysCutOff() throws {
        let r = try run("truncated:list")
        assertWords(r, ["could not list workflows", "cut off"])
    }

    func testListMalformedSaysNotReadable() throws {
        let r = try run("malformed:list")
        assertWords(r, ["could not list workflows", "JSON could not be read"])
    }

    func testListResetIsRetried() throws {
        let r = try run("reset:list")
        assertWords(r, ["broke off", "retrying the list"])
    }

    func testListResetOnceRecovers() throws {
        let r = try run("reset:list:once", settle: 1.5)
        assertListStays(r)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
    }

    func testListStallOnceRecoversWithinTheStallLimit() throws {
        let started = Date()
        let r = try run("stall:list:once", settle: 1.5)
        assertListStays(r)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
    }

    func testListHugeIsCutOffAtTheCap() throws {
        let r = try run("huge:list", env: ["ARGOTOP_MAX_BODY_BYTES": "1000000"])
        assertWords(r, ["too large", "976 KiB"])
    }

    // MARK: get (opened from the list)

    func testGet401SaysToken() throws {
        let r = try run("status:401:get", keys: FaultMatrixTests.openAuditing)
        assertWords(r, ["could not open db-auditing-x7k2p", "401"])
        assertWords(r, ["--token"], onScreen: false)
    }

    func testGet403NamesTheNamespaceAndVerb() throws {
        let r = try run("status:403:get", keys: FaultMatrixTests.openAuditing)
        assertWords(r, ["403 Forbidden"])
        assertWords(r, ["cannot get", "namespace argo"], onScreen: false)
    }

    func testGet404SaysGoneAndGoesBackToTheList() throws {
        let r = try run("status:404:get", keys: FaultMatrixTests.openAuditing)
        XCTAssertEqual(r.view, "workflows")
        assertWords(r, ["not found"])
        assertListStays(r)
    }

    func testGet500IsRetried() throws {
        let r = try run("status:500:get", keys: FaultMatrixTests.openAuditing)
        assertWords(r, ["server error 500", "retrying db-auditing-x7k2p"])
    }

    func testGetHTML502OnceRecovers() throws {
        let r = try run("html502:get:once", keys: FaultMatrixTests.openAuditing, settle: 1.5)
        XCTAssertEqual(r.view, "workflow")
        XCTAssertTrue(r.screen.contains("list-databases"), r.screen)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
    }

    func testGetTruncatedSaysCutOff() throws {
        let r = try run("truncated:get", keys: FaultMatrixTests.openAuditing)
        assertWords(r, ["could not open db-auditing-x7k2p", "cut off"])
    }

    func testGetMalformedSaysNotReadable() throws {
        let r = try run("malformed:get", keys: FaultMatrixTests.openAuditing)
        assertWords(r, ["could not open db-auditing-x7k2p", "JSON could not be read"])
    }

    func testGetResetOnceRecovers() throws {
        let r = try run("reset:get:once", keys: FaultMatrixTests.openAuditing, settle: 1.5)
        XCTAssertTrue(r.screen.contains("list-databases"), r.screen)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
    }

    func testGetStallOnceRecovers() throws {
        let r = try run("stall:get:once", keys: FaultMatrixTests.openAuditing, settle: 1.5)
        XCTAssertTrue(r.screen.contains("list-databases"), r.screen)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
    }

    func testGetHugeIsCutOff() throws {
        let r = try run("huge:get", keys: FaultMatrixTests.openAuditing, env: ["ARGOTOP_MAX_BODY_BYTES": "1000000"])
        assertWords(r, ["could not open db-auditing-x7k2p", "too large"])
    }

    // MARK: watch (after the list: the rows stay)

    func testWatch401StopsLiveUpdatesAndSaysToken() throws {
        let r = try run("status:401:watch", settle: 1)
        assertWords(r, ["live updates stopped", "401"])
        assertListStays(r)
    }

    func testWatch500Reconnects() throws {
        let r = try run("status:500:watch", settle: 1)
        assertWords(r, ["connection lost", "server error 500", "reconnecting"], onScreen: false)
        XCTAssertTrue(r.screen.contains("connection lost"))
        assertListStays(r)
    }

    func testWatchHTML502Reconnects() throws {
        let r = try run("html502:watch", settle: 1)
        assertWords(r, ["connection lost", "text/html"], onScreen: false)
        assertListStays(r)
    }

    func testWatchTruncatedSaysNotJSON() throws {
        let r = try run("truncated:watch", settle: 1)
        assertWords(r, ["live updates stopped", "not JSON"], onScreen: false)
        assertListStays(r)
    }

    func testWatchResetOnceRecovers() throws {
        let r = try run("reset:watch:once", settle: 1.5)
        assertListStays(r)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
    }

    func testWatchStallOnceIsDetectedAndReconnects() throws {
        // The watch goes silent (no events, no keep-alives): after the stream stall limit it is abandoned and
        // opened again from the last version; the rows stay and the live updates come back.
        // The demo's keep-alives come every 0.3 s, so a healthy quiet watch outlives the 1 s stall limit.
        let r = try run("stall:watch:once", settle: 3, env: ["ARGOTOP_STREAM_STALL_SECONDS": "1", "ARGOTOP_DEMO_KEEPALIVE_SECONDS": "0.3"])
        assertListStays(r)
        XCTAssertTrue(r.state["error"] is NSNull, r.error)
        XCTAssertGreaterThanOrEqual(r.state["requests"] as? Int ?? 0, 3, "the list, the watch that stalled, and the watch again")
    }

    func testWatch403StopsLiveUpdatesAndNamesTheNamespace() throws {
        let r = try run("status:403:watch", settle: 1)
        assertWords(r, ["live updates stopped", "403 Forbidden", "namespace argo"], onScreen: false)
        XCTAssertTrue(r.screen.contains("the live updates stopped: 403 Forbidden"), r.screen)
        assertListStays(r)
    }

    func testWatchMalformedSaysNotJSON() throws {
        let r = try run("malformed:watch", settle: 1)
        assertWords(r, ["live updates stopped", "not JSON"], onScreen: false)
        assertListStays(r)
    }

    func testWatchHugeMessageIsCutAtTheCap() throws {
        // An endless message on the watch: cut at the cap instead of filling memory.
        let r = try run("huge:watch", settle: 1.5, env: ["ARGOTOP_MAX_BODY_BYTES": "100000"])
        assertWords(r, ["live updates stopped", "stream message larger than 97 KiB"], onScreen: false)
        assertListStays(r)
    }

    // MARK: log (f l on db-fleet-audit-9h3kq)

    func testLog403NamesTheNamespace() throws {
        let r = try run("status:403:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("403 Forbidden"), r.screen)
    }

    func testLog404SaysThePodIsGone() throws {
        let r = try run("status:404:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("is gone"), r.screen)
    }

    func testLogMalformedSaysNotJSON() throws {
        let r = try run("malformed:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("not JSO"), r.screen)
    }

    func testLog500OnceRecoversAndShowsTheLines() throws {
        let r = try run("status:500:log:once", keys: "f l", [FaultMatrixTests.fleet], settle: 1.5)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("checked indexes of"), r.screen)
    }

    func testLogResetOnceRecoversAndShowsTheLines() throws {
        let r = try run("reset:log:once", keys: "f l", [FaultMatrixTests.fleet], settle: 1.5)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("checked indexes of"), r.screen)
    }

    /// Before the fix in StreamSession (failures reset only by new lines), a log that always broke after
    /// repeating its lines reconnected forever and headless never finished.
    func testLogAlwaysResetGivesUpInsteadOfLoopingForever() throws {
        let started = Date()
        let r = try run("reset:log", keys: "f l", [FaultMatrixTests.fleet], settle: 0.5)
        XCTAssertEqual(r.view, "logs")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    func testLogStallOnceIsAbandonedAndResumed() throws {
        let r = try run("stall:log:once", keys: "f l", [FaultMatrixTests.fleet], settle: 1.5, env: ["ARGOTOP_STREAM_STALL_SECONDS": "1"])
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("checked indexes of"), r.screen)
    }

    func testLog401SaysTokenInTheLogView() throws {
        let r = try run("status:401:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("no log: 401 Unauthorized: token missing or expired"), r.screen)
    }

    func testLogHTML502IsRetriedThenSaidInWords() throws {
        let r = try run("html502:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.error.contains("text/html instead of JSON") && r.error.contains("retrying the log"), r.error)
    }

    func testLogTruncatedKeepsTheLinesAlreadyShown() throws {
        let r = try run("truncated:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1)
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("checked indexes of"), "the lines that came stay:\n\(r.screen)")
        XCTAssertTrue(r.screen.contains("is not JS"), r.screen)
    }

    func testLogHugeMessageIsCutAtTheCap() throws {
        let r = try run("huge:log", keys: "f l", [FaultMatrixTests.fleet], settle: 1.5, env: ["ARGOTOP_MAX_BODY_BYTES": "3000000"])
        XCTAssertEqual(r.view, "logs")
        XCTAssertTrue(r.screen.contains("no log: the server's answer was too large"), r.screen)
    }

    // MARK: the name does not resolve

    func testDNSFailureSaysTheNameDoesNotResolveAndRetries() throws {
        // `.invalid` never resolves (RFC 6761), with or without a network.
        let stateFile = NSTemporaryDirectory() + "argotop-dns-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: stateFile) }
        let output = try Harness.run(Harness.binary, ["--server", "http://no-such-host.invalid:2746", "--headless", "--size", "120x24", "--keys", "", "--state-file", stateFile])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("cannot resolve the server's name"), output.stdout)
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateFile))) as? [String: Any]
        let error = state?["error"] as? String ?? ""
        XCTAssertTrue(error.contains("no-such-host.invalid") && error.contains("retrying the list"), error)
    }

    // MARK: secrets

    func testTheTokenNeverAppearsUnderFaults() throws {
        for fault in ["status:401:list", "status:403:get", "html502:get", "malformed:list"] {
            let stateFile = NSTemporaryDirectory() + "argotop-state-\(UUID().uuidString).json"
            defer { try? FileManager.default.removeItem(atPath: stateFile) }
            let output = try Harness.run(
                Harness.binary,
                ["--demo", "--demo-clock", "frozen", "--headless", "--size", "120x40", "--keys", FaultMatrixTests.openAuditing,
                 "--state-file", stateFile, "--token", "secret-value", "--demo-fault", fault])
            XCTAssertEqual(output.status, 0, output.stderr)
            let state = (try? String(contentsOfFile: stateFile, encoding: .utf8)) ?? ""
            XCTAssertFalse(state.isEmpty)
            for text in [output.stdout, output.stderr, state] {
                XCTAssertFalse(text.contains("secret-value"), "\(fault): the token leaked")
            }
        }
    }
}
