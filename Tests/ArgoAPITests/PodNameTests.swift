import XCTest

@testable import ArgoAPI

/// Pod names by Argo's rules (workflow/util GeneratePodName), checked against hashes computed elsewhere.
final class PodNameTests: XCTestCase {
    func workflow(_ name: String, format: String?) -> Workflow {
        var meta = ObjectMeta(name: name, namespace: "argo")
        if let format { meta.annotations = [PodName.formatAnnotation: format] }
        return Workflow(metadata: meta)
    }

    func pod(_ name: String, template: String?, id: String = "node-id-1", type: String = "Pod") -> NodeStatus {
        var node = NodeStatus(id: id, name: name, type: type)
        node.templateName = template
        return node
    }

    func testFNV1aMatchesPublishedVectors() {
        XCTAssertEqual(fnv32a(""), 2_166_136_261)
        XCTAssertEqual(fnv32a("a"), 0xE40C_292C)
        XCTAssertEqual(fnv32a("foobar"), 0xBF9C_F968)
    }

    func testV2IsWorkflowTemplateAndHashOfTheNodeName() {
        let wf = workflow("my-wf", format: "v2")
        XCTAssertEqual(wf.podName(of: pod("my-wf.step1", template: "step1")), "my-wf-step1-2322253660")
    }

    func testAbsentOrUnknownAnnotationMeansV2() {
        XCTAssertEqual(workflow("my-wf", format: nil).podName(of: pod("my-wf.step1", template: "step1")), "my-wf-step1-2322253660")
        XCTAssertEqual(workflow("my-wf", format: "v3").podName(of: pod("my-wf.step1", template: "step1")), "my-wf-step1-2322253660")
    }

    func testV1IsTheNodeID() {
        let wf = workflow("my-wf", format: "v1")
        XCTAssertEqual(wf.podName(of: pod("my-wf.step1", template: "step1", id: "my-wf-2322253660")), "my-wf-2322253660")
    }

    func testNodeNamedLikeTheWorkflowIsTheWorkflowName() {
        XCTAssertEqual(workflow("hello-world-abcde", format: "v2").podName(of: pod("hello-world-abcde", template: "whalesay")), "hello-world-abcde")
    }

    func testTemplateRefTemplateWinsOverTemplateName() {
        var node = pod("my-wf.step1", template: "caller")
        node.templateRef = TemplateRef(name: "lib", template: "step1")
        XCTAssertEqual(workflow("my-wf", format: "v2").podName(of: node), "my-wf-step1-2322253660")
    }

    func testInlineTemplatesAndMissingTemplatesUseTheWorkflowNameAlone() {
        let wf = workflow("preflight", format: "v2")
        XCTAssertEqual(wf.podName(of: pod("preflight[0].scan", template: nil)), "preflight-3349709833")
        let inline = pod("preflight[0].scan.inline", template: "inline-tmpl")
        XCTAssertEqual(wf.podName(of: inline), "preflight-\(fnv32a("preflight[0].scan.inline"))")
        XCTAssertFalse(wf.podName(of: inline)!.contains("inline-tmpl"))
    }

    func testLongPrefixIsCutTo242Characters() {
        let name = String(repeating: "w", count: 200)
        let template = String(repeating: "t", count: 100)
        let result = workflow(name, format: "v2").podName(of: pod("\(name).step", template: template))!
        let hash = String(fnv32a("\(name).step"))
        XCTAssertTrue(result.hasSuffix("-" + hash))
        let prefix = result.dropLast(hash.count + 1)
        XCTAssertEqual(prefix.count, 242)
        XCTAssertEqual(String(prefix), String((name + "-" + template).prefix(242)))
        XCTAssertLessThanOrEqual(result.count, 253)
        // Exactly 242 is kept whole; 243 loses its last character.
        let fits = String(repeating: "x", count: 242 - 1 - 8)
        XCTAssertEqual(workflow(fits, format: "v2").podName(of: pod("\(fits).a", template: "abcdefgh"))!.count, 242 + 1 + String(fnv32a("\(fits).a")).count)
        let over = fits + "y"
        XCTAssertEqual(
            workflow(over, format: "v2").podName(of: pod("\(over).a", template: "abcdefgh")),
            "\(over)-abcdefg-\(fnv32a("\(over).a"))")
    }

    func testOnlyPodNodesHavePods() {
        let wf = workflow("my-wf", format: "v2")
        for type in ["DAG", "Steps", "StepGroup", "Retry", "Skipped", "Suspend", "TaskGroup"] {
            XCTAssertNil(wf.podName(of: pod("my-wf.x", template: "x", type: type)), type)
        }
    }
}
