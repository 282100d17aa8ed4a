import ArgoDemo
import Foundation
import XCTest

@testable import ArgoAPI

/// Reading log answers in both framings, without a server.
final class PodLogParsingTests: XCTestCase {
    func parse(_ text: String) -> Result<PodLog, APIError> { PodLog.parse(Data(text.utf8), namespace: "argo") }

    func testOneJSONMessageALine() throws {
        let body = #"{"result":{"content":"first","podName":"p-1"}}"# + "\n" + #"{"result":{"content":"second \"quoted\"","podName":"p-1"}}"# + "\n"
        let log = try parse(body).get()
        XCTAssertEqual(log.lines, ["first", "second \"quoted\""])
        XCTAssertEqual(log.podName, "p-1")
    }

    func testServerSentEventsWithKeepAlivesAndCRLF() throws {
        let body = ": keep-alive\r\n\r\ndata: {\"result\":{\"content\":\"a\",\"podName\":\"p\"}}\r\n\r\n:\n\ndata:{\"result\":{\"content\":\"b\"}}\n\n"
            + "event: message\nid: 7\ndata: {\"result\":{\"content\":\"c\"}}\n\n"
        XCTAssertEqual(try parse(body).get().lines, ["a", "b", "c"])
    }

    func testLastLineWithoutNewlineAndEmptyContentCount() throws {
        XCTAssertEqual(try parse(#"{"result":{}}"# + "\n" + #"{"result":{"content":"end"}}"#).get().lines, ["", "end"])
        XCTAssertEqual(try parse("").get().lines, [])
    }

    func testAnErrorInTheStreamIsTheResult() {
        let body = "data: {\"result\":{\"content\":\"a\"}}\n\ndata: {\"error\":{\"grpc_code\":5,\"http_code\":404,\"message\":\"container \\\"main\\\" not found\",\"http_status\":\"Not Found\"}}\n\n"
        guard case .failure(let error) = parse(body), case .http(404, let message, _) = error else {
            return XCTFail("expected the stream's error, got \(parse(body))")
        }
        XCTAssertEqual(message, "container \"main\" not found")
        XCTAssertTrue(error.description.contains("container \"main\" not found"))
        guard case .failure(.http(500, "boom", _)) = parse(#"{"error":{"message":"boom"}}"#) else {
            return XCTFail("an error without http_code is a server error")
        }
    }

    func testALineThatIsNotJSONIsSaidSo() {
        guard case .failure(.malformed(let detail)) = parse(#"{"result":{"content":"ok"}}"# + "\nnot json at all\n") else {
            return XCTFail("expected malformed")
        }
        XCTAssertTrue(detail.contains("2"), detail)
    }

    func testRefusalsAndProxiesGoThroughTheClientsOneInterpreter() {
        func run(_ status: Int, _ type: String, _ body: String) -> Result<PodLog, APIError> {
            let response = HTTPResponse(status: status, contentType: type, body: Data(body.utf8))
            return ArgoClient.interpret(.success(response), server: "s", namespace: "argo") { PodLog.decode($0, namespace: "argo") }.0
        }
        guard case .failure(.notJSON(502, _)) = run(502, "text/html", "<html>Bad Gateway</html>") else { return XCTFail("html 502") }
        guard case .failure(.notJSON(200, _)) = run(200, "text/html", "<html>login</html>") else { return XCTFail("html 200") }
        guard case .failure(.http(404, "pods \"x\" not found", _)) = run(404, "application/json", #"{"code":5,"message":"pods \"x\" not found"}"#) else {
            return XCTFail("json 404")
        }
        XCTAssertEqual(try run(200, "application/json", #"{"result":{"content":"x"}}"#).get().lines, ["x"])
        XCTAssertTrue(run(503, "text/plain", "overloaded").failureValue?.isRetryable ?? false)
    }

    func testEndpointEscapesItsQuery() {
        XCTAssertEqual(
            Endpoints.podLog(namespace: "argo", name: "wf", podName: "a b&c", container: "main", tailLines: 20, timestamps: true),
            "/api/v1/workflows/argo/wf/log?podName=a%20b%26c&logOptions.container=main&logOptions.tailLines=20&logOptions.timestamps=true")
        XCTAssertEqual(
            Endpoints.podLog(namespace: "my ns", name: "w/f", podName: "p", container: "wait", tailLines: nil, timestamps: false),
            "/api/v1/workflows/my%20ns/w%2Ff/log?podName=p&logOptions.container=wait&logOptions.timestamps=false")
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// The client against the demo server: logs of real pod names, both framings, errors in words, and the
/// large failed DAG.
final class PodLogOverHTTPTests: DemoServerTestCase {

    func workflow(_ name: String) throws -> Workflow {
        try outcome { [client] in client!.getWorkflow(namespace: "argo", name: name, handler: $0) }.get()
    }

    func log(_ wf: Workflow, _ pod: String, tail: Int?, timestamps: Bool = false, eventStream: Bool = false) -> Result<PodLog, APIError> {
        outcome { [client] in
            client!.podLog(namespace: "argo", name: wf.name, podName: pod, tailLines: tail, timestamps: timestamps,
                eventStream: eventStream, handler: $0)
        }
    }

    /// The words after `Error (exit code N): ` in a node's message.
    func reason(_ message: String) -> String { message.components(separatedBy: "): ").last ?? message }

    func testTailOfAFailedPodsLogExplainsTheFailure() throws {
        let wf = try workflow("db-auditing-x7k2p")
        let failed = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Failed" })
        let pod = try XCTUnwrap(wf.podName(of: failed))
        let full = try log(wf, pod, tail: nil).get()
        XCTAssertTrue((20...60).contains(full.lines.count), "\(full.lines.count) lines")
        let tail = try log(wf, pod, tail: 5).get()
        XCTAssertEqual(tail.lines, Array(full.lines.suffix(5)))
        XCTAssertEqual(tail.podName, pod)
        let why = reason(try XCTUnwrap(failed.message))
        XCTAssertFalse(why.isEmpty)
        XCTAssertTrue(tail.lines.suffix(3).contains { $0.contains(why) }, "the last lines say \(why): \(tail.lines)")
        XCTAssertTrue(full.lines.contains { $0.contains("\u{1b}[") }, "one failed pod shows a colour sequence")
        let request = try XCTUnwrap(server.requestLog.last)
        XCTAssertTrue(request.contains("/api/v1/workflows/argo/db-auditing-x7k2p/log?"), request)
        XCTAssertEqual(DemoServer.queryValue("podName", in: request), pod)
        XCTAssertEqual(DemoServer.queryValue("logOptions.tailLines", in: request), "5")
        XCTAssertEqual(DemoServer.queryValue("logOptions.container", in: request), "main")
    }

    func testServerSentEventsGiveTheSameLines() throws {
        let wf = try workflow("integration-tests-r2d2x")
        let pods = wf.nodes.values.filter { $0.type == "Pod" }.compactMap { wf.podName(of: $0) }
        XCTAssertEqual(pods.count, 3)
        for pod in pods {
            let plain = try log(wf, pod, tail: 7).get()
            let events = try log(wf, pod, tail: 7, eventStream: true).get()
            XCTAssertEqual(plain.lines.count, 7)
            XCTAssertEqual(events, plain)
        }
        // The same request with Accept: text/event-stream really is framed as events.
        let raw = Box<Result<HTTPResponse, TransportFailure>>()
        let done = expectation(description: "raw")
        let path = Endpoints.podLog(namespace: "argo", name: wf.name, podName: pods[0], tailLines: 2)
        client.transport.send(HTTPRequest(path: path, accept: "text/event-stream")) { result in
            raw.value = result
            done.fulfill()
        }
        wait(for: [done], timeout: 30)
        let response = try raw.value!.get()
        let text = String(decoding: response.body, as: UTF8.self)
        XCTAssertTrue(response.contentType.hasPrefix("text/event-stream"), response.contentType)
        XCTAssertTrue(text.hasPrefix("data: {\"result\":"), text)
        XCTAssertEqual(text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.count, 2)
        XCTAssertEqual(try PodLog.parse(response.body).get().lines.count, 2)
    }

    func testTimestampsAreRFC3339WithinTheNodesRun() throws {
        let wf = try workflow("db-auditing-x7k2p")
        let node = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Succeeded" && $0.finishedAt != nil })
        let pod = try XCTUnwrap(wf.podName(of: node))
        let bare = try log(wf, pod, tail: nil).get().lines
        let stamped = try log(wf, pod, tail: nil, timestamps: true).get().lines
        XCTAssertEqual(stamped.count, bare.count)
        var previous = 0.0
        for (line, text) in zip(stamped, bare) {
            let space = try XCTUnwrap(line.firstIndex(of: " "))
            let stamp = try XCTUnwrap(Timestamp(rfc3339: String(line[..<space])), line)
            XCTAssertEqual(String(line[line.index(after: space)...]), text)
            XCTAssertGreaterThanOrEqual(stamp.seconds, node.startedAt!.seconds)
            XCTAssertLessThanOrEqual(stamp.seconds, node.finishedAt!.seconds + 1)
            XCTAssertGreaterThanOrEqual(stamp.seconds, previous)
            previous = stamp.seconds
        }
    }

    func testUnknownPodAndWorkflowAreSaidInWords() throws {
        let wf = try workflow("db-auditing-x7k2p")
        guard case .failure(let error) = log(wf, "db-auditing-x7k2p-nope-1", tail: 10), case .http(404, let message, _) = error else {
            return XCTFail("expected a 404")
        }
        XCTAssertTrue(message.contains("db-auditing-x7k2p-nope-1") && message.contains("not found"), message)
        XCTAssertTrue(error.description.hasPrefix("404 Not Found: "), error.description)
        XCTAssertFalse(error.isRetryable)
        let gone = Workflow(metadata: ObjectMeta(name: "no-such-workflow", namespace: "argo"))
        guard case .failure(.http(404, let text, _)) = log(gone, "x", tail: 1) else { return XCTFail("expected a 404") }
        XCTAssertTrue(text.contains("no-such-workflow"), text)
    }

    func testTheLargeFailedDAGDecodesWithEveryNode() throws {
        let wf = try workflow("db-fleet-audit-9h3kq")
        XCTAssertEqual(wf.phase, "Failed")
        XCTAssertEqual(wf.metadata.labels?["workflows.argoproj.io/workflow-template"], "db-fleet-audit")
        XCTAssertGreaterThanOrEqual(wf.nodes.count, 1_500)
        let pods = wf.nodes.values.filter { $0.type == "Pod" }
        let failed = pods.filter { $0.phase == "Failed" }
        let errored = pods.filter { $0.phase == "Error" }
        XCTAssertEqual(failed.count, DemoCluster.fleetAuditFailing.count)
        XCTAssertEqual(errored.count, DemoCluster.fleetAuditErroring.count)
        XCTAssertGreaterThan(Set(failed.compactMap(\.templateName)).count, 2, "failures at different steps")
        // The failed items are the designed ones, read from the display names of their DAGs.
        func item(_ node: NodeStatus) -> Int? {
            guard let dag = node.boundaryID.flatMap({ wf.nodes[$0] }), let name = dag.displayName,
                name.hasPrefix("audit("), let colon = name.firstIndex(of: ":")
            else { return nil }
            return Int(name[name.index(name.startIndex, offsetBy: 6)..<colon])
        }
        XCTAssertEqual(Set(failed.compactMap(item)), DemoCluster.fleetAuditFailing)
        XCTAssertEqual(Set(errored.compactMap(item)), DemoCluster.fleetAuditErroring)
        for node in failed {
            let message = try XCTUnwrap(node.message)
            XCTAssertTrue(message.hasPrefix("Error (exit code \(node.outputs?.exitCode ?? "?")): "), message)
            let status = node.outputs?.parameters?.first { $0.name == "status" }?.value
            XCTAssertEqual(status, "failed")
            XCTAssertFalse((node.outputs?.parameters?.first { $0.name == "failure_reason" }?.value ?? "").isEmpty)
            // Everything after the failed step in its item is Omitted.
            var next = node.children ?? []
            while let id = next.first, let child = wf.nodes[id] {
                XCTAssertEqual(child.type, "Skipped")
                XCTAssertEqual(child.phase, "Omitted")
                next = child.children ?? []
            }
        }
        XCTAssertNil(errored.first?.outputs?.exitCode)
        // Items start one after another, so sorting by startedAt keeps their order.
        let items = wf.nodes.values.filter { $0.templateName == "audit-database" }
        XCTAssertEqual(items.count, 300)
        let starts = items.compactMap { $0.startedAt?.seconds }
        XCTAssertEqual(Set(starts).count, 300, "no two items start together")
        let exit = try XCTUnwrap(wf.nodes.values.first { $0.name == "db-fleet-audit-9h3kq.onExit" })
        XCTAssertEqual(exit.type, "Pod")
        XCTAssertEqual(exit.templateName, "notify-slack")
        // The last lines of a failed step's log say what its message says.
        let sample = try XCTUnwrap(failed.first { $0.templateName == "compare-schema" })
        let tail = try log(wf, try XCTUnwrap(wf.podName(of: sample)), tail: 4).get()
        XCTAssertTrue(tail.lines.contains { $0.contains(reason(sample.message!)) }, "\(tail.lines)")
        XCTAssertTrue(sample.outputs?.parameters?.contains { $0.name == "drift_report" && $0.value?.contains("\"drift\":[{") == true } ?? false)
    }

    func testTheGeneratorMakesAnySizeWithTheChosenFailures() throws {
        let failing: Set<Int> = [0, 7, 64, 319]
        let json = DemoCluster.loopingDAG(name: "big-loop-zz9zz", namespace: "ns", items: 320, failing: failing, now: DemoCluster.frozenNow)
        let wf = try JSONDecoder().decode(Workflow.self, from: Data(json.serialized()))
        XCTAssertEqual(wf.nodes.count, 3 + 5 * 320)
        XCTAssertEqual(wf.nodes.values.filter { $0.type == "Pod" && $0.phase == "Failed" }.count, failing.count)
        XCTAssertEqual(wf.nodes.values.filter { $0.phase == "Error" }.count, 0)
        XCTAssertEqual(wf.phase, "Failed")
        let finished = try XCTUnwrap(wf.status?.finishedAt?.seconds)
        XCTAssertLessThan(finished, DemoCluster.frozenNow)
        // Each item chains its four steps by children.
        let first = try XCTUnwrap(wf.nodes.values.first { $0.displayName == "audit(1:db-001)" })
        var chain: [String] = []
        var next = first.children ?? []
        while let id = next.first, let child = wf.nodes[id] {
            chain.append(child.displayName ?? "")
            XCTAssertEqual(child.boundaryID, first.id)
            next = child.children ?? []
        }
        XCTAssertEqual(chain, ["check-connection", "dump-schema", "compare-schema", "publish-report"])
        let clean = try JSONDecoder().decode(
            Workflow.self,
            from: Data(DemoCluster.loopingDAG(name: "ok-loop-aa1aa", namespace: "ns", items: 10, failing: [], now: 0).serialized()))
        XCTAssertEqual(clean.phase, "Succeeded")
        XCTAssertFalse(clean.nodes.values.contains { $0.phase == "Failed" || $0.phase == "Omitted" })
    }
}
