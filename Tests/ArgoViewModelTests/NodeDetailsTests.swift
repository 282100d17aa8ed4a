@testable import ArgoAPI
import Foundation
import XCTest

@testable import ArgoViewModel

final class NodeDetailsTests: XCTestCase {
    func testPrettyJSONKeepsKeyOrderAndIndents() throws {
        let lines = try XCTUnwrap(PrettyJSON.lines(#"{"z":1,"a":{"list":[1,"x, y",{}],"empty":[]},"s":"a:b{c}"}"#))
        XCTAssertEqual(lines, [
            "{",
            "  \"z\": 1,",
            "  \"a\": {",
            "    \"list\": [",
            "      1,",
            "      \"x, y\",",
            "      {}",
            "    ],",
            "    \"empty\": []",
            "  },",
            "  \"s\": \"a:b{c}\"",
            "}",
        ])
        // Quotes escaped inside strings do not end them.
        XCTAssertEqual(PrettyJSON.lines(#"["a\"b,c"]"#), ["[", #"  "a\"b,c""#, "]"])
    }

    func testPrettyJSONRefusesWhatIsNotAnObjectOrArray() {
        XCTAssertNil(PrettyJSON.lines("plain text"))
        XCTAssertNil(PrettyJSON.lines("42"))
        XCTAssertNil(PrettyJSON.lines(#"{"truncated": [1, 2"#))
        XCTAssertNil(PrettyJSON.lines(""))
    }

    func node(outputs: [(String, String)], exitCode: String? = nil) -> NodeStatus {
        var node = NodeStatus(id: "wf-1", name: "wf.step", displayName: "step", type: "Pod", phase: "Failed")
        node.templateName = "step"
        node.outputs = Outputs(parameters: outputs.map { Parameter(name: $0.0, value: $0.1) },
            artifacts: [Artifact(name: "report", path: "/tmp/report.csv", key: "reports/wf/report.csv")], exitCode: exitCode,
            result: nil)
        node.inputs = Inputs(parameters: [Parameter(name: "database", value: "orders-db")])
        node.message = "Error (exit code 3): something long enough to wrap onto a second line of the screen"
        return node
    }

    /// A step whose outputs are not as Argo writes them opens with what could be read, and says what could not.
    func testUnreadableOutputsAreNamed() throws {
        let doc = #"{"metadata":{"name":"w"},"status":{"nodes":{"s":{"id":"s","name":"w.s","type":"Pod","phase":"Failed","#
            + #""message":"boom","outputs":{"parameters":[{"value":"x"}]}}}}}"#
        let wf = try FastWorkflowDecoder.decode(Data(doc.utf8))
        let lines = NodeDetails.lines(node: try XCTUnwrap(wf.nodes["s"]), workflow: wf, now: 0, jsonOpen: [:])
        let unreadable = try XCTUnwrap(lines.first { $0.key == "unreadable" })
        XCTAssertTrue(unreadable.value.hasPrefix("outputs"), unreadable.value)
        XCTAssertEqual(lines.first { $0.key == "message" }?.value, "boom")
        XCTAssertTrue(lines.contains { $0.value == "(this step has no outputs)" })
    }

    func testOutputsTableHasEveryParameterAndFoldsLongJSON() throws {
        let long = "{" + (0..<20).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        let short = #"{"tables":2,"drift":[]}"#
        let step = node(outputs: [("job_name", "grants-orders-db"), ("status", "failed"), ("long", long), ("short", short)], exitCode: "3")
        let wf = Workflow(metadata: ObjectMeta(name: "wf", namespace: "argo"))
        let lines = NodeDetails.lines(node: step, workflow: wf, now: 0, jsonOpen: [:])
        func line(_ key: String) -> DetailLine? { lines.first { $0.key == key } }
        XCTAssertEqual(line("job_name")?.value, "grants-orders-db")
        XCTAssertEqual(line("status")?.value, "failed")
        XCTAssertEqual(line("exit code")?.value, "3")
        XCTAssertEqual(line("database")?.value, "orders-db")
        XCTAssertEqual(line("artifact report")?.value, "reports/wf/report.csv  path /tmp/report.csv")
        XCTAssertEqual(line("pod")?.value, "wf-step-\(fnv32a("wf.step"))")
        // 22 lines of JSON start folded; 4 start open, followed by their lines.
        XCTAssertEqual(line("long")?.kind, .json(folded: true, lineCount: 22))
        XCTAssertEqual(line("short")?.kind, .json(folded: false, lineCount: 4))
        let shortAt = try XCTUnwrap(lines.firstIndex { $0.key == "short" })
        XCTAssertEqual(lines[shortAt + 1 ... shortAt + 4].map { $0.value }, ["{", "  \"tables\": 2,", "  \"drift\": []", "}"])
        // Unfolding by key.
        let opened = NodeDetails.lines(node: step, workflow: wf, now: 0, jsonOpen: ["out:long": true])
        XCTAssertEqual(opened.count, lines.count + 22)
    }

    func testLongValuesWrapAtTheWidth() {
        let step = node(outputs: [])
        let wf = Workflow(metadata: ObjectMeta(name: "wf", namespace: "argo"))
        let lines = NodeDetails.lines(node: step, workflow: wf, now: 0, jsonOpen: [:], width: 40)
        let at = lines.firstIndex { $0.key == "message" }!
        XCTAssertLessThanOrEqual(lines[at].value.count, 40)
        XCTAssertEqual(lines[at + 1].key, "", "the rest continues under the value")
        let pieces = [lines[at]] + lines[(at + 1)...].prefix { $0.key.isEmpty && $0.kind == .field }
        XCTAssertTrue(pieces.allSatisfy { $0.value.count <= 40 })
        XCTAssertEqual(pieces.map { $0.value }.joined(), step.message)
        XCTAssertTrue(lines.contains { $0.value == "(this step has no outputs)" } == false, "artifacts count as outputs")
    }

    func testDetailsViewOpensOnEnterAndFoldsJSONWithSpace() throws {
        let long = "[" + (0..<30).map(String.init).joined(separator: ",") + "]"
        var root = NodeStatus(id: "wf", name: "wf", displayName: "wf", type: "DAG", phase: "Failed")
        root.children = ["wf-1"]
        var step = node(outputs: [("ids", long)], exitCode: "1")
        step.boundaryID = "wf"
        let wf = Workflow(metadata: ObjectMeta(name: "wf", namespace: "argo"), status: WorkflowStatus(phase: "Failed", nodes: ["wf": root, "wf-1": step]))
        let model = AppModel(server: "t", namespace: "argo", now: 0)
        _ = model.handle(.resize(cols: 100, rows: 30))
        _ = model.start(workflow: ("argo", "wf"))
        _ = model.handle(.workflow(namespace: "argo", name: "wf", .success(wf), bytes: 0))
        for key in try Key.parseScript("f <Enter>") { _ = model.handle(key) }
        XCTAssertEqual(model.view, .node)
        XCTAssertEqual(model.selection?.id, "wf-1")
        let before = try XCTUnwrap(model.details?.lines.count)
        for key in try Key.parseScript("G k") { _ = model.handle(key) }
        XCTAssertEqual(model.details?.lines[model.details!.cursor.selected].key, "ids")
        for key in try Key.parseScript("<Space>") { _ = model.handle(key) }
        XCTAssertEqual(model.details?.lines.count, before + 32)
        // Space inside the value folds it again.
        for key in try Key.parseScript("j j j <Space>") { _ = model.handle(key) }
        XCTAssertEqual(model.details?.lines.count, before)
        for key in try Key.parseScript("<Esc>") { _ = model.handle(key) }
        XCTAssertEqual(model.view, .workflow)
        XCTAssertEqual(model.selection?.id, "wf-1", "back where we were")
    }
}
