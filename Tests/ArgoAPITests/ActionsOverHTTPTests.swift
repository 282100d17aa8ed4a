import ArgoDemo
import Foundation
import XCTest

@testable import ArgoAPI

/// Actions, the archive and the templates through the real client against the demo server over loopback HTTP:
/// each action sends the body Argo Server's swagger documents, once, and the simulated workflow changes.
final class ActionsOverHTTPTests: XCTestCase {
    var cluster: DemoCluster!
    var server: DemoServer!
    var client: ArgoClient!

    override func setUpWithError() throws {
        cluster = DemoCluster(ordinary: 3, clock: .frozen)
        server = DemoServer(cluster: cluster)
        try server.start(port: 0)
        client = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: "argo"))
    }

    override func tearDown() {
        client.shutdown()
        server.stop()
        cluster.stop()
    }

    /// Sends `request` and returns the body the server received and the workflow it answered with.
    func send(_ request: ActionRequest) throws -> (body: [String: Any], answer: Result<Workflow, APIError>) {
        let before = server.requestBodies.count
        let answer = outcome { [client] in client!.perform(request, handler: $0) }
        let bodies = server.requestBodies
        XCTAssertEqual(bodies.count, before + 1, "one request, never retried")
        let last = try XCTUnwrap(bodies.last)
        XCTAssertEqual(last.request, "PUT /api/v1/workflows/argo/\(request.workflow)/\(request.action.rawValue)")
        let json = try JSONSerialization.jsonObject(with: Data(last.body.utf8)) as? [String: Any] ?? [:]
        return (json, answer)
    }

    func phase(_ name: String) -> String? { cluster.workflow(named: name)?["status"]?["phase"]?.stringValue }

    func testRetryFromAStepSendsItsNodeAndRunsItAgain() throws {
        let name = "db-fleet-audit-9h3kq"
        let failed = try XCTUnwrap(cluster.workflow(named: name).flatMap { wf -> String? in
            guard case .object(let nodes)? = wf["status"]?["nodes"] else { return nil }
            return nodes.first { $0.1["phase"]?.stringValue == "Failed" && $0.1["type"]?.stringValue == "Pod" }?.0
        })
        let (body, answer) = try send(ActionRequest(action: .retry, namespace: "argo", workflow: name, nodeID: failed))
        XCTAssertEqual(body["name"] as? String, name)
        XCTAssertEqual(body["namespace"] as? String, "argo")
        XCTAssertEqual(body["restartSuccessful"] as? Bool, true)
        XCTAssertEqual(body["nodeFieldSelector"] as? String, "id=\(failed)")
        XCTAssertEqual(try answer.get().phase, "Running")
        XCTAssertEqual(phase(name), "Running")
        XCTAssertEqual(cluster.workflow(named: name)?["status"]?["nodes"]?[failed]?["phase"]?.stringValue, "Running")
    }

    func testWholeRetryResubmitStopTerminateSuspendResume() throws {
        var (body, answer) = try send(ActionRequest(action: .retry, namespace: "argo", workflow: "db-auditing-x7k2p"))
        XCTAssertEqual(body.keys.sorted(), ["name", "namespace"], "a whole retry selects no node")
        XCTAssertEqual(phase("db-auditing-x7k2p"), "Running")

        (body, answer) = try send(ActionRequest(action: .resubmit, namespace: "argo", workflow: "integration-tests-r2d2x"))
        XCTAssertEqual(body["memoized"] as? Bool, false)
        let copy = try answer.get()
        XCTAssertNotEqual(copy.name, "integration-tests-r2d2x")
        XCTAssertEqual(copy.metadata.labels?["workflows.argoproj.io/resubmitted-from-workflow"], "integration-tests-r2d2x")
        XCTAssertNotNil(cluster.workflow(named: copy.name), "the new workflow is in the cluster")
        XCTAssertEqual(phase("integration-tests-r2d2x"), "Error", "the original stays")

        (body, _) = try send(ActionRequest(action: .suspend, namespace: "argo", workflow: "nightly-etl-5fj2d"))
        XCTAssertEqual(body.keys.sorted(), ["name", "namespace"])
        XCTAssertEqual(cluster.workflow(named: "nightly-etl-5fj2d")?["spec"]?["suspend"], .bool(true))
        (body, _) = try send(ActionRequest(action: .resume, namespace: "argo", workflow: "nightly-etl-5fj2d"))
        XCTAssertNil(cluster.workflow(named: "nightly-etl-5fj2d")?["spec"]?["suspend"])

        (body, answer) = try send(ActionRequest(action: .stop, namespace: "argo", workflow: "nightly-etl-5fj2d"))
        XCTAssertEqual(body.keys.sorted(), ["name", "namespace"])
        XCTAssertEqual(phase("nightly-etl-5fj2d"), "Failed")
        XCTAssertEqual(cluster.workflow(named: "nightly-etl-5fj2d")?["status"]?["message"]?.stringValue, "Stopped with strategy 'Stop'")

        (_, answer) = try send(ActionRequest(action: .terminate, namespace: "argo", workflow: "nightly-etl-5fj2d"))
        guard case .failure(let refusal) = answer else { return XCTFail("terminating a stopped workflow was accepted") }
        XCTAssertTrue("\(refusal)".contains("cannot shutdown a completed workflow"), "\(refusal)")
        (_, answer) = try send(ActionRequest(action: .terminate, namespace: "argo", workflow: "db-migrate-staging-h2v6n"))
        XCTAssertEqual(try answer.get().status?.message, "Stopped with strategy 'Terminate'")
    }

    func testResumeAtASuspendStep() throws {
        let name = "release-approval-m4n8t"
        let approve = try XCTUnwrap(cluster.workflow(named: name).flatMap { wf -> String? in
            guard case .object(let nodes)? = wf["status"]?["nodes"] else { return nil }
            return nodes.first { $0.1["type"]?.stringValue == "Suspend" }?.0
        })
        let (body, _) = try send(ActionRequest(action: .resume, namespace: "argo", workflow: name, nodeID: approve))
        XCTAssertEqual(body["nodeFieldSelector"] as? String, "id=\(approve)")
        XCTAssertEqual(cluster.workflow(named: name)?["status"]?["nodes"]?[approve]?["phase"]?.stringValue, "Succeeded")
    }

    func testKubernetesModeSaysActionsNeedArgoServer() throws {
        var settings = ConnectionSettings(baseURL: server.url, namespace: "argo")
        settings.api = .kubernetes
        let kube = ArgoClient(settings: settings)
        defer { kube.shutdown() }
        let answer = outcome { kube.perform(ActionRequest(action: .retry, namespace: "argo", workflow: "db-auditing-x7k2p"), handler: $0) }
        guard case .failure(let why) = answer else { return XCTFail("an action went through the Kubernetes API") }
        XCTAssertTrue("\(why)".contains("actions need Argo Server"), "\(why)")
        XCTAssertTrue(server.requestLog.allSatisfy { !$0.hasPrefix("PUT") }, "nothing was sent")
        XCTAssertEqual(phase("db-auditing-x7k2p"), "Failed")
    }

    func testArchiveListsSummariesAndGivesOneWhole() throws {
        let page = try outcome { [client] in
            client!.listArchivedWorkflows(namespace: "argo", limit: 10, continueToken: nil, labelSelector: "workflows.argoproj.io/cron-workflow=synthetic-checkout", handler: $0)
        }.get()
        let items = page.items ?? []
        XCTAssertEqual(items.count, 10)
        XCTAssertNotNil(page.metadata?.continue, "12 runs, 10 a page")
        XCTAssertTrue(items.allSatisfy { $0.status?.nodes == nil }, "summaries carry no nodes")
        XCTAssertTrue(items.allSatisfy { $0.metadata.labels?["workflows.argoproj.io/cron-workflow"] == "synthetic-checkout" })
        let uid = try XCTUnwrap(items.first?.metadata.uid)
        let whole = try outcome { [client] in client!.getArchivedWorkflow(namespace: "argo", uid: uid, handler: $0) }.get()
        XCTAssertEqual(whole.name, items.first?.name)
        XCTAssertTrue(whole.nodes.values.contains { $0.name.hasSuffix(".onExit") }, "the runs use an exit handler")
        XCTAssertTrue(server.requestLog.contains { $0.hasPrefix("GET /api/v1/archived-workflows/\(uid)?namespace=argo") })
    }

    func testTemplatesListed() throws {
        let list = try outcome { [client] in client!.listWorkflowTemplates(namespace: "argo", handler: $0) }.get()
        let names = (list.items ?? []).map(\.name)
        XCTAssertTrue(names.contains("db-auditing"))
        XCTAssertTrue(names.contains("data-export"))
    }
}
