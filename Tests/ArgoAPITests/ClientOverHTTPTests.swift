import ArgoDemo
import Foundation
import XCTest

@testable import ArgoAPI

/// The real client (libcurl) against the demo server on 127.0.0.1.
final class ClientOverHTTPTests: DemoServerTestCase {
    override var ordinaryWorkflows: Int { 1_250 }

    func testPagesThroughTheWholeListWithoutNodes() throws {
        var names: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let result: Result<WorkflowList, APIError> = outcome { [client] handler in
                client!.listWorkflows(namespace: "argo", limit: 100, continueToken: token, handler: handler)
            }
            let page = try result.get()
            pages += 1
            for wf in page.items ?? [] {
                XCTAssertNil(wf.status?.nodes, "the list must not carry node trees")
                XCTAssertNotNil(wf.status?.phase)
                names.append(wf.name)
            }
            token = page.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil && pages < 100
        XCTAssertGreaterThanOrEqual(names.count, 1_200)
        // The live workflows and, as Argo Server merges them in, the archived ones that are no longer live.
        XCTAssertEqual(names.count, server.cluster.workflows(inNamespace: "argo").count + server.cluster.archivedWorkflows.count)
        XCTAssertEqual(Set(names).count, names.count, "no workflow twice across pages")
        XCTAssertEqual(pages, (names.count + 99) / 100)
        let lists = server.requestLog.filter { $0.hasPrefix("GET /api/v1/workflows/argo?") }
        XCTAssertEqual(lists.count, pages)
        for line in lists {
            let fields = DemoServer.queryValue("fields", in: line) ?? ""
            XCTAssertFalse(fields.isEmpty, "every page asks for fields")
            XCTAssertFalse(fields.contains("status.nodes"), "fields never include status.nodes")
            XCTAssertFalse(fields.hasPrefix("-"), "an exclusion list would let nodes through")
        }
    }

    func testGetReturnsTheNodeTree() throws {
        let result: Result<Workflow, APIError> = outcome { [client] handler in
            client!.getWorkflow(namespace: "argo", name: "db-auditing-x7k2p", handler: handler)
        }
        let wf = try result.get()
        XCTAssertEqual(wf.phase, "Failed")
        XCTAssertGreaterThan(wf.nodes.count, 10)
        XCTAssertTrue(wf.nodes.values.contains { $0.phase == "Failed" && $0.type == "Pod" })
        let get = try XCTUnwrap(server.requestLog.last)
        XCTAssertTrue((DemoServer.queryValue("fields", in: get) ?? "").contains("status.storedTemplates"))
    }

    func testMissingWorkflowIsA404InWords() {
        let result: Result<Workflow, APIError> = outcome { [client] handler in
            client!.getWorkflow(namespace: "argo", name: "no-such-workflow", handler: handler)
        }
        guard case .failure(let error) = result, case .http(404, let message, _) = error else {
            return XCTFail("expected a 404, got \(result)")
        }
        XCTAssertTrue(message.contains("not found"))
        XCTAssertFalse(error.isRetryable)
    }

    func testUnreachableServerRetriesThenSaysSo() {
        server.stop()
        let dead = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: "argo"))
        dead.retryDelays = [0.05, 0.05]
        defer { dead.shutdown() }
        let done = expectation(description: "call")
        let retries = Box<Int>()
        retries.value = 0
        let final = Box<Result<WorkflowList, APIError>>()
        dead.listWorkflows(namespace: "argo", limit: 10, continueToken: nil) { event in
            switch event {
            case .retrying: retries.value! += 1
            case .resumed: break
            case .done(let result, _):
                final.value = result
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(retries.value, 2)
        guard case .failure(let error) = final.value!, case .transport(.unreachable, _, _) = error else {
            return XCTFail("expected unreachable, got \(String(describing: final.value))")
        }
        XCTAssertTrue(error.description.contains("cannot reach"))
    }
}

final class Box<T>: @unchecked Sendable {
    var value: T?
}


/// A demo server on a free loopback port and a client of it, for each test.
class DemoServerTestCase: XCTestCase {
    var server: DemoServer!
    var client: ArgoClient!
    var ordinaryWorkflows: Int { 3 }

    override func setUpWithError() throws {
        server = DemoServer(cluster: DemoCluster(ordinary: ordinaryWorkflows))
        try server.start(port: 0)
        client = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: "argo"))
    }

    override func tearDown() {
        client.shutdown()
        server.stop()
    }
}

extension XCTestCase {
    /// Starts a client call and waits (up to 30 s) for its final result, past any retries.
    func outcome<T>(of start: (@escaping @Sendable (CallEvent<T>) -> Void) -> Void) -> Result<T, APIError> {
        let done = expectation(description: "call")
        let box = Box<Result<T, APIError>>()
        start { event in
            if case .done(let result, _) = event {
                box.value = result
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 30)
        return box.value!
    }
}
