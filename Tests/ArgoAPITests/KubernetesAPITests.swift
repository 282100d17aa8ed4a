import ArgoDemo
import Foundation
import XCTest

@testable import ArgoAPI

/// The client in Kubernetes API mode against the demo server's Kubernetes paths over loopback HTTP: the
/// same values come back as from Argo Server, through Kubernetes paging, `watch=1`, compressed node maps and
/// plain-text pod logs.
final class KubernetesAPITests: XCTestCase {
    var cluster: DemoCluster!
    var server: DemoServer!
    var client: ArgoClient!
    var argo: ArgoClient!
    var handles: [StreamHandle] = []

    override func setUpWithError() throws {
        cluster = DemoCluster(ordinary: 12, clock: .manual)
        server = DemoServer(cluster: cluster)
        server.keepAliveSeconds = 0.2
        try server.start(port: 0)
        var settings = ConnectionSettings(baseURL: server.url, namespace: "argo")
        settings.api = .kubernetes
        client = ArgoClient(settings: settings)
        argo = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: "argo"))
    }

    override func tearDown() {
        handles.forEach { $0.cancel() }
        client.shutdown()
        argo.shutdown()
        server.stop()
        cluster.stop()
    }

    func testPagesComeThroughKubernetesPagingWithoutNodes() throws {
        var names: [String] = []
        var token: String?
        var pages = 0
        repeat {
            let page = try outcome { [client, token] in client!.listWorkflows(namespace: "argo", limit: 10, continueToken: token, handler: $0) }.get()
            names += (page.items ?? []).map(\.name)
            XCTAssertTrue((page.items ?? []).allSatisfy { $0.status?.nodes == nil && $0.status?.compressedNodes == nil }, "rows keep no nodes")
            token = page.metadata?.continue
            pages += 1
        } while token != nil && pages < 20
        let argo = cluster.workflows(inNamespace: "argo")
        XCTAssertEqual(names, argo.compactMap { $0["metadata"]?["name"]?.stringValue })
        XCTAssertEqual(pages, (argo.count + 9) / 10)
        let requests = server.requestLog.filter { $0.contains("/apis/argoproj.io/v1alpha1/namespaces/argo/workflows?") }
        XCTAssertEqual(requests.count, pages)
        XCTAssertTrue(requests.allSatisfy { $0.contains("limit=10") && !$0.contains("fields=") })
        XCTAssertTrue(requests.dropFirst().allSatisfy { $0.contains("continue=") })
    }

    func testABigWorkflowsCompressedNodesAreInflated() throws {
        let name = "db-fleet-audit-9h3kq"
        // On the wire the node map is compressed, as the controller stores a big workflow.
        let raw = try outcome { [client] in
            client!.fetch(HTTPRequest(path: KubePaths.getWorkflow(namespace: "argo", name: name)), namespace: "argo", attempt: 0,
                decode: { .success(String(decoding: $0.body, as: UTF8.self)) }, handler: $0)
        }.get()
        XCTAssertTrue(raw.contains("\"compressedNodes\":\""))
        XCTAssertFalse(raw.contains("\"nodes\":{"))
        let kube = try outcome { [client] in client!.getWorkflow(namespace: "argo", name: name, handler: $0) }.get()
        let viaArgo = try outcome { [argo] in argo!.getWorkflow(namespace: "argo", name: name, handler: $0) }.get()
        XCTAssertEqual(kube.nodes.count, 1503)
        XCTAssertEqual(kube.nodes, viaArgo.nodes)
        XCTAssertNil(kube.status?.compressedNodes)
    }

    func testCorruptCompressedNodesAreSaidInWords() throws {
        var wf = Workflow(metadata: ObjectMeta(name: "broken"))
        wf.status = WorkflowStatus()
        wf.status?.compressedNodes = Data("not gzip at all".utf8).base64EncodedString()
        guard case .failure(let error) = wf.expandingCompressedNodes() else { return XCTFail("corrupt data was accepted") }
        XCTAssertTrue("\(error)".contains("not gzip"), "\(error)")
        wf.status?.compressedNodes = "%%%"
        guard case .failure(let notBase64) = wf.expandingCompressedNodes() else { return XCTFail("bad base64 was accepted") }
        XCTAssertTrue("\(notBase64)".contains("base64"), "\(notBase64)")
        // A truncated gzip stream is refused, not read as far as it goes.
        let whole = try XCTUnwrap(Gzip.deflate(Data(String(repeating: "{\"a\":1}", count: 500).utf8)))
        XCTAssertNil(Gzip.inflate(whole.prefix(whole.count / 2)))
        XCTAssertEqual(Gzip.inflate(whole).map { String(decoding: $0, as: UTF8.self).count }, 3500)
        // A bomb is cut at the limit.
        let bomb = try XCTUnwrap(Gzip.deflate(Data(count: 5_000_000)))
        XCTAssertNil(Gzip.inflate(bomb, limit: 1_000_000))
    }

    func testAWatchFromTheListsVersionSeesChangesAsTheClockMoves() throws {
        let start = try outcome { [client] in client!.listWorkflows(namespace: "argo", limit: 0, continueToken: nil, handler: $0) }.get()
        let version = try XCTUnwrap(start.metadata?.resourceVersion)
        let events = Recorder<WorkflowEvent>()
        handles.append(client.watchWorkflows(namespace: "argo", resourceVersion: version, fieldSelector: nil, fields: nil) { events.record($0) })
        cluster.advance(by: 21)
        waitUntil("two changes") { events.items.count >= 2 }
        XCTAssertTrue(events.items.contains { $0.type == "ADDED" && $0.object.phase == "Running" })
        let etl = try XCTUnwrap(events.items.first { $0.object.name == "nightly-etl-5fj2d" })
        XCTAssertEqual(etl.type, "MODIFIED")
        XCTAssertNil(etl.object.status?.nodes, "rows keep no nodes")
        let watchRequest = try XCTUnwrap(server.requestLog.first { $0.contains("watch=1") })
        XCTAssertTrue(watchRequest.contains("/apis/argoproj.io/v1alpha1/namespaces/argo/workflows?") && watchRequest.contains("resourceVersion=\(version)"), watchRequest)
    }

    func testAWatchFromAVersionTooOldEndsWith410() throws {
        cluster.maxKeptEvents = 2
        cluster.advance(by: 200)
        let events = Recorder<WorkflowEvent>()
        handles.append(client.watchWorkflows(namespace: "argo", resourceVersion: "1000001", fieldSelector: nil, fields: nil) { events.record($0) })
        waitUntil("the end") { events.final != nil }
        guard case .failed(.http(let status, let message, _))? = events.final else { return XCTFail("\(events.story)") }
        XCTAssertEqual(status, 410)
        XCTAssertTrue(message.contains("too old"), message)
    }

    func testPodLogsArePlainTextLinesAndStreamWithTimestamps() throws {
        let wf = try outcome { [argo] in argo!.getWorkflow(namespace: "argo", name: "db-auditing-x7k2p", handler: $0) }.get()
        let node = try XCTUnwrap(wf.nodes.values.first { $0.displayName == "check-grants" && $0.phase == "Failed" })
        let pod = try XCTUnwrap(wf.podName(of: node))
        let viaKube = try outcome { [client] in client!.podLog(namespace: "argo", name: wf.name, podName: pod, tailLines: 5, handler: $0) }.get()
        let viaArgo = try outcome { [argo] in argo!.podLog(namespace: "argo", name: wf.name, podName: pod, tailLines: 5, handler: $0) }.get()
        XCTAssertEqual(viaKube.lines.count, 5)
        XCTAssertEqual(viaKube.lines, viaArgo.lines)
        let logRequest = try XCTUnwrap(server.requestLog.first { $0.contains("/api/v1/namespaces/argo/pods/\(pod)/log?") })
        XCTAssertTrue(logRequest.contains("container=main") && logRequest.contains("tailLines=5"), logRequest)

        let streamed = Recorder<LogEntry>()
        handles.append(client.streamPodLog(namespace: "argo", name: wf.name, podName: pod, follow: false, tailLines: nil) { streamed.record($0) })
        waitUntil("the end of the log") { streamed.final != nil }
        XCTAssertEqual(streamed.story.last, "ended")
        XCTAssertFalse(streamed.items.isEmpty)
        XCTAssertTrue(streamed.items.allSatisfy { $0.timestamp != nil }, "timestamps asked for and split off")
        XCTAssertEqual(streamed.items.suffix(5).map(\.content), viaArgo.lines)
    }

    func testCronWorkflowsReadTheSameThroughBothAPIs() throws {
        let viaKube = try outcome { [client] in client!.listCronWorkflows(namespace: "argo", handler: $0) }.get()
        let viaArgo = try outcome { [argo] in argo!.listCronWorkflows(namespace: "argo", handler: $0) }.get()
        XCTAssertEqual(viaKube.items, viaArgo.items)
        let crons = Dictionary(uniqueKeysWithValues: (viaKube.items ?? []).map { ($0.name, $0) })
        XCTAssertEqual(Set(crons.keys), ["synthetic-login-check", "synthetic-checkout", "nightly-report"])
        XCTAssertEqual(crons["synthetic-checkout"]?.spec?.schedules, ["*/10 * * * *", "5 12 * * *"])
        XCTAssertEqual(crons["nightly-report"]?.spec?.schedules, ["0 2 * * *"], "an older server's single schedule")
        XCTAssertEqual(crons["nightly-report"]?.spec?.suspend, true)
        XCTAssertEqual(crons["synthetic-checkout"]?.status?.failed, 14)
        XCTAssertNotNil(crons["synthetic-login-check"]?.status?.lastScheduledTime)
        XCTAssertTrue(server.requestLog.contains { $0.hasPrefix("GET /apis/argoproj.io/v1alpha1/namespaces/argo/cronworkflows") })
        XCTAssertTrue(server.requestLog.contains { $0.hasPrefix("GET /api/v1/cron-workflows/argo") })
    }

    func testArtifactsSayOnlyArgoServerServesThem() throws {
        let result = outcome { [client] in
            client!.artifactText(namespace: "argo", workflow: "db-fleet-audit-9h3kq", nodeID: "x", artifactName: "main-logs", handler: $0)
        }
        guard case .failure(let error) = result else { return XCTFail("an artifact came from the Kubernetes API") }
        XCTAssertTrue("\(error)".contains("Argo Server"), "\(error)")
    }
}
