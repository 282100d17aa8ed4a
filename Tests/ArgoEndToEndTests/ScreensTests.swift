import Foundation
import XCTest

/// The captures in Screens/ are the product's screens: the program must draw exactly them (demo cluster,
/// frozen clock). `RECORD_SCREENS=1 make test` (or `make screens`) re-records them, and fails while doing so.
final class ScreensTests: XCTestCase {
    struct Capture {
        var file: String
        var size: String
        var keys: String
        var extra: [String] = []
    }

    static let captures: [Capture] = {
        var all: [Capture] = []
        for size in ["120x40", "80x24"] {
            all.append(Capture(file: "workflows-\(size).txt", size: size, keys: ""))
            all.append(Capture(file: "workflows-filtered-\(size).txt", size: size, keys: "/ phase:failed <Enter>"))
            all.append(Capture(file: "workflow-tree-\(size).txt", size: size, keys: "", extra: ["argo/db-auditing-x7k2p"]))
            all.append(Capture(file: "workflow-retries-\(size).txt", size: size, keys: "j j", extra: ["argo/integration-tests-r2d2x"]))
            all.append(Capture(file: "help-\(size).txt", size: size, keys: "?"))
            let fleet = ["argo/db-fleet-audit-9h3kq"]
            all.append(Capture(file: "tree-folded-fan-out-\(size).txt", size: size, keys: "", extra: fleet))
            all.append(Capture(file: "tree-failed-step-\(size).txt", size: size, keys: "f", extra: fleet))
            all.append(Capture(file: "node-details-\(size).txt", size: size, keys: "f <Enter> G", extra: fleet))
            all.append(Capture(file: "tree-outputs-column-\(size).txt", size: size, keys: "f o", extra: fleet))
            all.append(Capture(file: "log-failed-step-\(size).txt", size: size, keys: "f l / error <Enter>", extra: fleet))
            all.append(Capture(file: "logs-of-failed-steps-\(size).txt", size: size, keys: "L", extra: fleet))
            let parent = ["argo/db-audit-prod-t4k9w"]
            all.append(Capture(file: "child-workflows-folded-\(size).txt", size: size, keys: "", extra: parent))
            all.append(Capture(file: "child-workflow-failed-\(size).txt", size: size, keys: "f", extra: parent))
            all.append(Capture(file: "child-workflow-unfolded-\(size).txt", size: size, keys: "f <Space> f", extra: parent))
            all.append(Capture(file: "child-workflow-opened-\(size).txt", size: size, keys: "f <Enter>", extra: parent))
            all.append(Capture(file: "child-workflows-inferred-\(size).txt", size: size, keys: "", extra: ["argo/db-migrate-staging-h2v6n"]))
            all.append(Capture(file: "child-workflow-queued-\(size).txt", size: size, keys: "/ child-prod-db-19 <Enter>", extra: parent))
            all.append(Capture(file: "tree-step-waiting-on-lock-\(size).txt", size: size, keys: "/ pg-geo <Enter>", extra: ["argo/db-migrate-staging-h2v6n"]))
            all.append(Capture(file: "sem-locks-\(size).txt", size: size, keys: ": sem <Enter>"))
            all.append(Capture(file: "sem-lock-queue-\(size).txt", size: size, keys: ": sem <Enter> <Enter> j j j j j j j j j j j j j"))
            all.append(Capture(file: "dag-lanes-\(size).txt", size: size, keys: "d", extra: ["argo/db-auditing-x7k2p"]))
            all.append(Capture(file: "dag-lanes-failed-\(size).txt", size: size, keys: "f d", extra: fleet))
            all.append(Capture(file: "dag-critical-chain-\(size).txt", size: size, keys: "f w w", extra: fleet))
            all.append(Capture(file: "timeline-\(size).txt", size: size, keys: "t", extra: fleet))
            all.append(Capture(file: "timeline-zoomed-\(size).txt", size: size, keys: "f t + + +", extra: fleet))
            all.append(Capture(file: "timeline-running-\(size).txt", size: size, keys: "t", extra: ["argo/nightly-etl-5fj2d"]))
            all.append(Capture(file: "cron-\(size).txt", size: size, keys: ": cron <Enter>"))
            all.append(Capture(file: "cron-runs-\(size).txt", size: size, keys: ": cron <Enter> j <Enter>"))
            all.append(Capture(file: "lint-\(size).txt", size: size, keys: ": lint <Enter>"))
            all.append(Capture(file: "archive-\(size).txt", size: size, keys: ": archive <Enter>"))
            all.append(Capture(file: "confirm-retry-step-\(size).txt", size: size, keys: "f R", extra: fleet))
        }
        all.append(Capture(file: "workflow-tree-ascii-80x24.txt", size: "80x24", keys: "", extra: ["--ascii", "argo/db-auditing-x7k2p"]))
        return all
    }()

    func testScreensMatchTheirCaptures() throws {
        let directory = Harness.repositoryRoot.appendingPathComponent("Screens")
        let recording = ProcessInfo.processInfo.environment["RECORD_SCREENS"] == "1"
        for capture in Self.captures {
            let (screen, _) = try Harness.headless(size: capture.size, keys: capture.keys, extra: capture.extra)
            let url = directory.appendingPathComponent(capture.file)
            if recording {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try screen.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
                XCTFail("Screens/\(capture.file) is missing: run RECORD_SCREENS=1 make test")
                continue
            }
            if screen != expected {
                let got = screen.components(separatedBy: "\n")
                let want = expected.components(separatedBy: "\n")
                let firstDifference = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
                let where_ = firstDifference.map { "line \($0.offset + 1):\n  want: \($0.element.1)\n  got:  \($0.element.0)" } ?? "line count \(want.count) vs \(got.count)"
                XCTFail("Screens/\(capture.file) differs at \(where_)")
            }
        }
        if recording { XCTFail("recorded \(Self.captures.count) captures in Screens/; run again without RECORD_SCREENS") }
    }
}
