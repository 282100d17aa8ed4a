@testable import ArgoAPI
import Foundation
import XCTest

@testable import ArgoViewModel

/// The `/` filter's words, what it asks the server for, and which workflows it accepts.
final class ListQueryTests: XCTestCase {
    func workflow(_ name: String, phase: String, labels: [String: String] = [:]) -> Workflow {
        var meta = ObjectMeta(name: name, namespace: "argo", creationTimestamp: Timestamp(seconds: 1))
        meta.labels = labels
        var status = WorkflowStatus()
        status.phase = phase
        return Workflow(metadata: meta, status: status)
    }

    func query(_ text: String) throws -> ListQuery { try ListQuery.parse(text).get() }

    func testWordsBecomeSelectors() throws {
        let q = try query("db Audit phase:failed,running tmpl:db-audit label:team=data label:!paused")
        XCTAssertEqual(q.nameWords, ["db", "Audit"])
        XCTAssertEqual(q.phases, ["Failed", "Error", "Running"])
        XCTAssertEqual(q.template, "db-audit")
        XCTAssertEqual(
            q.labelSelector,
            "workflows.argoproj.io/phase in (Failed,Error,Running),workflows.argoproj.io/workflow-template=db-audit,team=data,!paused")
        XCTAssertEqual(q.serverNameWord, "db")
        XCTAssertNil(try query("just-a-name").labelSelector)
    }

    func testAcceptsWhatMatchesEveryPart() throws {
        let q = try query("prod phase:failed tmpl:audit label:team=data")
        let labels = ["workflows.argoproj.io/workflow-template": "audit", "team": "data"]
        XCTAssertTrue(q.accepts(workflow("db-PROD-1", phase: "Error", labels: labels)), "names match without case")
        XCTAssertFalse(q.accepts(workflow("db-prod-1", phase: "Running", labels: labels)), "phase")
        XCTAssertFalse(q.accepts(workflow("db-stage-1", phase: "Failed", labels: labels)), "name")
        XCTAssertFalse(q.accepts(workflow("db-prod-1", phase: "Failed", labels: ["team": "data"])), "template")
        XCTAssertFalse(q.accepts(workflow("db-prod-1", phase: "Failed", labels: ["workflows.argoproj.io/workflow-template": "audit"])), "label")
        // The status decides the phase, not a label that lags behind it.
        let lagging = labels.merging(["workflows.argoproj.io/phase": "Running"]) { $1 }
        XCTAssertTrue(q.accepts(workflow("db-prod-1", phase: "Failed", labels: lagging)))
    }

    func testMistakesAreRefusedInWords() {
        XCTAssertEqual(try? ListQuery.parse("phase:sideways").get(), nil)
        if case .failure(let why) = ListQuery.parse("phase:sideways") { XCTAssertTrue(why.message.contains("unknown phase “sideways”")) }
        if case .failure(let why) = ListQuery.parse("label:a in (b") { XCTAssertTrue(why.message.contains("cannot read the label term")) }
        if case .failure(let why) = ListQuery.parse("tmpl:") { XCTAssertTrue(why.message.contains("WorkflowTemplate name")) }
    }

    func testLabelSelectorTerms() throws {
        let labels = ["app": "etl", "tier": "gold"]
        let cases: [(String, Bool)] = [
            ("app=etl", true), ("app==etl", true), ("app!=etl", false), ("app in (etl, web)", true), ("app notin (etl)", false),
            ("tier", true), ("!tier", false), ("missing", false), ("!missing", true), ("app=etl,tier=silver", false),
            ("missing notin (x)", true), ("missing in (x)", false),
        ]
        for (text, expected) in cases {
            let selector = try XCTUnwrap(LabelSelector(text), text)
            XCTAssertEqual(selector.matches(labels), expected, text)
        }
        XCTAssertNil(LabelSelector("a in b"))
        XCTAssertNil(LabelSelector("=x"))
        XCTAssertNil(LabelSelector("a b"))
    }
}
