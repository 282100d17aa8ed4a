import ArgoDemo
import Foundation
import XCTest

@testable import ArgoAPI

/// Everything a stream reported, for a test to wait on.
final class Recorder<Item: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [StreamEvent<Item>] = []

    func record(_ event: StreamEvent<Item>) { lock.withLock { stored.append(event) } }
    var events: [StreamEvent<Item>] { lock.withLock { stored } }

    var items: [Item] {
        events.flatMap { event -> [Item] in
            if case .items(let items, _) = event { return items }
            return []
        }
    }

    var final: StreamEvent<Item>? {
        events.last.flatMap { event in
            switch event {
            case .ended, .failed: return event
            default: return nil
            }
        }
    }

    func count(_ kind: String) -> Int { events.filter { Recorder.kind($0) == kind }.count }

    static func kind(_ event: StreamEvent<Item>) -> String {
        switch event {
        case .items: return "items"
        case .keepAlive: return "keepAlive"
        case .reconnecting: return "reconnecting"
        case .resumed: return "resumed"
        case .ended: return "ended"
        case .failed: return "failed"
        }
    }

    /// The kinds of events, keep-alives left out.
    var story: [String] { events.map(Recorder.kind).filter { $0 != "keepAlive" } }
}

extension XCTestCase {
    /// Polls `condition` until it holds (up to `timeout` seconds).
    func waitUntil(_ what: String, timeout: Double = 20, _ condition: () -> Bool) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !condition() {
            if Date() > deadline { return XCTFail("timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
}

/// Followed logs, watches and artifacts against a demo server whose clock the test moves.
final class StreamsOverHTTPTests: XCTestCase {
    var cluster: DemoCluster!
    var server: DemoServer!
    var client: ArgoClient!
    var handles: [StreamHandle] = []

    override func setUpWithError() throws {
        cluster = DemoCluster(ordinary: 3, clock: .manual)
        server = DemoServer(cluster: cluster)
        server.keepAliveSeconds = 0.2
        try server.start(port: 0)
        client = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: "argo"))
        client.retryDelays = [0.05, 0.1, 0.2]
    }

    override func tearDown() {
        handles.forEach { $0.cancel() }
        client.shutdown()
        server.stop()
    }

    func workflow(_ name: String) throws -> Workflow {
        try outcome { [client] in client!.getWorkflow(namespace: "argo", name: name, handler: $0) }.get()
    }

    func follow(_ wf: Workflow, pod: String, follow: Bool = true, tail: Int? = nil) -> Recorder<LogEntry> {
        let recorder = Recorder<LogEntry>()
        handles.append(client.streamPodLog(namespace: "argo", name: wf.name, podName: pod, follow: follow, tailLines: tail) {
            recorder.record($0)
        })
        return recorder
    }

    func fullLog(_ wf: Workflow, pod: String) throws -> [String] {
        try outcome { [client] in
            client!.podLog(namespace: "argo", name: wf.name, podName: pod, tailLines: nil, timestamps: true, handler: $0)
        }.get().lines
    }

    func line(_ entry: LogEntry) -> String { (entry.timestamp ?? "") + " " + entry.content }

    // MARK: Logs

    func testFollowingARunningPodGetsNewLinesAsTheClockMovesThenEnds() throws {
        let wf = try workflow("nightly-etl-5fj2d")
        let running = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Running" })
        let pod = try XCTUnwrap(wf.podName(of: running))
        let log = follow(wf, pod: pod)
        waitUntil("the lines so far") { !log.items.isEmpty }
        waitUntil("a keep-alive while nothing is written") { log.count("keepAlive") > 0 }
        let first = log.items
        let now = try XCTUnwrap(PreciseTime(rfc3339: DemoCluster.logTimestamp(cluster.now)))
        XCTAssertTrue(first.allSatisfy { PreciseTime(rfc3339: $0.timestamp ?? "")! <= now }, "no line from the future")
        XCTAssertNil(log.final, "a running pod's log stays open")

        cluster.advance(by: 10)
        waitUntil("lines written in the next 10 s") { log.items.count > first.count }
        XCTAssertNil(log.final)
        cluster.advance(by: 15)  // the step finishes 20 s after the start
        waitUntil("the end of the log") { log.final != nil }
        guard case .ended? = log.final else { return XCTFail("expected .ended, got \(log.story)") }

        let all = log.items
        XCTAssertEqual(Array(all.prefix(first.count)), first, "earlier lines never change")
        XCTAssertEqual(all.map(line), try fullLog(wf, pod: pod), "every line once, in order, as the finished log has them")
        XCTAssertTrue(all.last?.content.contains("done in") ?? false, "\(all.last?.content ?? "")")
        XCTAssertTrue(all.allSatisfy { $0.podName == pod })
        let request = try XCTUnwrap(server.requestLog.first { $0.contains("/log?") })
        XCTAssertEqual(DemoServer.queryValue("logOptions.follow", in: request), "true")
        XCTAssertEqual(DemoServer.queryValue("logOptions.timestamps", in: request), "true")
        XCTAssertFalse(log.story.contains("reconnecting"))
    }

    func testANotFollowedLogEndsAndHonoursTailLines() throws {
        let wf = try workflow("db-auditing-x7k2p")
        let node = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Failed" })
        let pod = try XCTUnwrap(wf.podName(of: node))
        let log = follow(wf, pod: pod, follow: false, tail: 3)
        waitUntil("the end") { log.final != nil }
        XCTAssertEqual(log.story.last, "ended")
        XCTAssertEqual(log.items.map(line), Array(try fullLog(wf, pod: pod).suffix(3)))
    }

    /// Logs read one after another, four at a time, as the log view reads the failed steps: every one ends.
    /// (A stream that ended used to leave a cancel behind for its finished transfer; when the next transfer
    /// took the same memory, the cancel dropped it before it was sent, and its log never came.)
    func testManyShortLogsInTurnAllEnd() throws {
        let wf = try workflow("db-auditing-x7k2p")
        let pods = wf.nodes.values.filter { $0.type == "Pod" }.compactMap { wf.podName(of: $0) }
        XCTAssertGreaterThanOrEqual(pods.count, 10)
        var ended = 0
        for round in 0..<15 {
            let logs = pods.map { follow(wf, pod: $0, follow: false, tail: 2) }
            waitUntil("round \(round): every log ends") { logs.allSatisfy { $0.final != nil } }
            ended += logs.filter { $0.story.last == "ended" }.count
        }
        XCTAssertEqual(ended, 15 * pods.count)
    }

    func testABrokenStreamResumesWithNoLineTwiceAndNoneMissing() throws {
        let wf = try workflow("db-auditing-x7k2p")
        let node = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Failed" })
        let pod = try XCTUnwrap(wf.podName(of: node))
        server.faults = DemoFaults(cutLogAfterLines: 7)
        let log = follow(wf, pod: pod)
        waitUntil("the end") { log.final != nil }
        XCTAssertEqual(log.story.filter { $0 != "items" }, ["reconnecting", "resumed", "ended"], "\(log.story)")
        guard case .reconnecting(let error, 1, _)? = log.events.first(where: { Recorder.kind($0) == "reconnecting" }),
            case .transport(.reset, _, _) = error
        else { return XCTFail("expected a broken connection, got \(log.events)") }
        XCTAssertEqual(log.items.map(line), try fullLog(wf, pod: pod))
        let resumed = try XCTUnwrap(server.requestLog.filter { $0.contains("/log?") }.dropFirst().first)
        XCTAssertEqual(DemoServer.queryValue("logOptions.sinceTime", in: resumed), log.items[6].timestamp, "resumes at the last line seen")
    }

    func testAStalledStreamIsAbandonedAndResumed() throws {
        client.transport.streamStallSeconds = 0.5
        server.keepAliveSeconds = 60
        let wf = try workflow("integration-tests-r2d2x")
        let node = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Failed" })
        let pod = try XCTUnwrap(wf.podName(of: node))
        server.faults = DemoFaults(stallLogAfterLines: 4, stallSeconds: 3)
        let log = follow(wf, pod: pod)
        waitUntil("the end") { log.final != nil }
        guard case .reconnecting(let error, _, _)? = log.events.first(where: { Recorder.kind($0) == "reconnecting" }),
            case .transport(.timeout, let detail, _) = error
        else { return XCTFail("expected a stall, got \(log.story)") }
        XCTAssertTrue(detail.contains("stalled"), detail)
        XCTAssertEqual(log.story.last, "ended")
        XCTAssertEqual(log.items.map(line), try fullLog(wf, pod: pod))
    }

    func testARefusalIsFinalAndCancelStopsTheEvents() throws {
        let wf = try workflow("nightly-etl-5fj2d")
        let missing = follow(wf, pod: "nightly-etl-5fj2d-nope-1")
        waitUntil("the refusal") { missing.final != nil }
        guard case .failed(.http(404, let message, _))? = missing.final else { return XCTFail("\(missing.events)") }
        XCTAssertTrue(message.contains("not found"), message)
        XCTAssertEqual(missing.story, ["failed"])

        let running = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Running" })
        let log = follow(wf, pod: try XCTUnwrap(wf.podName(of: running)))
        waitUntil("a keep-alive") { log.count("keepAlive") > 0 }
        handles.last!.cancel()
        handles.last!.cancel()  // idempotent
        Thread.sleep(forTimeInterval: 0.1)
        let seen = log.events.count
        cluster.advance(by: 30)
        Thread.sleep(forTimeInterval: 0.6)
        XCTAssertEqual(log.events.count, seen, "nothing after cancel: \(log.story)")
    }

    // MARK: Watches

    func list() throws -> WorkflowList {
        try outcome { [client] in client!.listWorkflows(namespace: "argo", limit: 0, continueToken: nil, handler: $0) }.get()
    }

    func watch(from version: String?, fields: String? = nil, selector: String? = nil) -> Recorder<WorkflowEvent> {
        let recorder = Recorder<WorkflowEvent>()
        handles.append(client.watchWorkflows(namespace: "argo", resourceVersion: version, fieldSelector: selector, fields: fields) {
            recorder.record($0)
        })
        return recorder
    }

    func testAWatchSeesWorkflowsAddedThenModifiedAsTheClockMoves() throws {
        let start = try list()
        let version = try XCTUnwrap(start.metadata?.resourceVersion)
        XCTAssertEqual(version, String(cluster.resourceVersion))
        let events = watch(from: version)
        waitUntil("a keep-alive") { events.count("keepAlive") > 0 }
        XCTAssertTrue(events.items.isEmpty)

        cluster.advance(by: 21)  // nightly-etl's transform ends at +20; the first new workflow starts at +20
        waitUntil("two changes") { events.items.count >= 2 }
        let added = try XCTUnwrap(events.items.first { $0.type == "ADDED" })
        XCTAssertEqual(added.object.phase, "Running")
        XCTAssertFalse(start.items!.contains { $0.name == added.object.name }, "a workflow that was not there")
        let etl = try XCTUnwrap(events.items.first { $0.object.name == "nightly-etl-5fj2d" })
        XCTAssertEqual(etl.type, "MODIFIED")
        XCTAssertTrue(etl.object.nodes.values.allSatisfy { $0.type != "Pod" || $0.phase == "Succeeded" })

        cluster.advance(by: 60)  // the new workflow finishes, nightly-etl succeeds
        waitUntil("the new workflow's end") {
            events.items.contains { $0.object.name == added.object.name && ["Succeeded", "Failed"].contains($0.object.phase) }
        }
        waitUntil("nightly-etl's end") { events.items.contains { $0.object.name == "nightly-etl-5fj2d" && $0.object.phase == "Succeeded" } }
        waitUntil("every change") { events.items.last?.resourceVersion == String(self.cluster.resourceVersion) }
        let mine = events.items.filter { $0.object.name == added.object.name }
        XCTAssertEqual(mine.first?.type, "ADDED")
        XCTAssertTrue(mine.dropFirst().allSatisfy { $0.type == "MODIFIED" })
        let versions = events.items.compactMap { $0.resourceVersion.flatMap(Int.init) }
        XCTAssertEqual(versions.count, events.items.count)
        XCTAssertEqual(versions, versions.sorted())
        XCTAssertEqual(Set(versions).count, versions.count)
        XCTAssertEqual(versions.last, cluster.resourceVersion)
        XCTAssertEqual(try list().metadata?.resourceVersion, String(cluster.resourceVersion))
        let after = try workflow("nightly-etl-5fj2d")
        XCTAssertEqual(after.phase, "Succeeded")
        XCTAssertEqual(after.metadata.resourceVersion, events.items.last { $0.object.name == after.name }?.resourceVersion)
        XCTAssertNotNil(after.nodes.values.first { $0.displayName == "load" && $0.phase == "Succeeded" })

        cluster.advance(by: 301)  // deleted 5 minutes after finishing
        waitUntil("the deletion") { events.items.contains { $0.type == "DELETED" && $0.object.name == added.object.name } }
        XCTAssertNil(events.final)
    }

    func testFieldsTrimTheWatchedObjects() throws {
        let version = try XCTUnwrap(try list().metadata?.resourceVersion)
        let trimmed = watch(from: version, fields: Endpoints.watchFields())
        let whole = watch(from: version)
        cluster.advance(by: 23)
        waitUntil("changes on both watches") { trimmed.items.count >= 3 && whole.items.count >= 3 }
        XCTAssertEqual(trimmed.items.map(\.type), whole.items.map(\.type))
        XCTAssertEqual(trimmed.items.map(\.resourceVersion), whole.items.map(\.resourceVersion))
        for event in trimmed.items {
            XCTAssertNil(event.object.status?.nodes, "no nodes when fields leave them out")
            XCTAssertNotNil(event.object.status?.phase)
            XCTAssertNotNil(event.object.status?.progress)
        }
        XCTAssertTrue(whole.items.allSatisfy { !($0.object.status?.nodes ?? [:]).isEmpty })
        let request = try XCTUnwrap(server.requestLog.first { $0.contains("workflow-events") && $0.contains("fields=") })
        XCTAssertTrue((DemoServer.queryValue("fields", in: request) ?? "").hasPrefix("result.type,"))
    }

    func testAWatchResumesFromAResourceVersionAndAfterABreak() throws {
        let base = cluster.resourceVersion
        cluster.advance(by: 90)
        let history = watch(from: String(base))
        waitUntil("the history") { history.items.count == self.cluster.resourceVersion - base }
        XCTAssertGreaterThan(history.items.count, 4)
        let middle = try XCTUnwrap(history.items[2].resourceVersion)
        let resumed = watch(from: middle)
        waitUntil("the rest") { resumed.items.count == history.items.count - 3 }
        XCTAssertEqual(resumed.items.map(\.resourceVersion), history.items.dropFirst(3).map(\.resourceVersion))

        // One workflow only, cut after two events: the client comes back from the newest version it saw.
        server.faults = DemoFaults(cutWatchAfterEvents: 2)
        let one = watch(from: String(base), selector: "metadata.namespace=argo,metadata.name=nightly-etl-5fj2d")
        waitUntil("nightly-etl's three changes") { one.items.count >= 3 }
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(one.items.count, 3, "no event twice after the break")
        XCTAssertEqual(one.items.map(\.object.phase), ["Running", "Running", "Succeeded"])
        XCTAssertEqual(one.story.filter { $0 != "items" }.prefix(2), ["reconnecting", "resumed"])
        let again = try XCTUnwrap(server.requestLog.filter { $0.contains("workflow-events") && $0.contains("nightly-etl") }.last)
        XCTAssertEqual(DemoServer.queryValue("listOptions.resourceVersion", in: again), one.items[1].resourceVersion)
    }

    func testAWatchCanStartFromAWorkflowsOwnVersion() throws {
        let wf = try workflow("nightly-etl-5fj2d")
        let own = try XCTUnwrap(wf.metadata.resourceVersion)
        XCTAssertLessThan(Int(own)!, cluster.resourceVersion)
        let one = watch(from: own, selector: "metadata.name=nightly-etl-5fj2d")
        waitUntil("a keep-alive") { one.count("keepAlive") > 0 }
        cluster.advance(by: 85)
        waitUntil("its three changes") { one.items.count == 3 }
        XCTAssertEqual(one.items.last?.object.phase, "Succeeded")
        XCTAssertTrue(one.items.allSatisfy { $0.object.name == "nightly-etl-5fj2d" })
    }

    func testShuttingTheClientDownEndsItsStreamsWithoutRetrying() throws {
        let wf = try workflow("nightly-etl-5fj2d")
        let running = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Running" })
        client.retryDelays = [5, 5, 5]
        let log = follow(wf, pod: try XCTUnwrap(wf.podName(of: running)))
        waitUntil("the first lines") { !log.items.isEmpty }
        client.shutdown()
        waitUntil("the end", timeout: 3) { log.final != nil }
        XCTAssertFalse(log.story.contains("reconnecting"), "\(log.story)")
        guard case .failed(.transport(.other, _, _))? = log.final else { return XCTFail("\(log.story)") }
    }

    func testATooOldResourceVersionFailsWith410() throws {
        let ancient = watch(from: "12")
        waitUntil("the refusal") { ancient.final != nil }
        guard case .failed(.http(410, let message, _))? = ancient.final else { return XCTFail("\(ancient.events)") }
        XCTAssertTrue(message.contains("too old resource version"), message)

        // Only the last few changes are kept: a watch from before them is too old as well.
        cluster.maxKeptEvents = 2
        let base = cluster.resourceVersion
        cluster.advance(by: 70)
        XCTAssertGreaterThan(cluster.resourceVersion - base, 3)
        let late = watch(from: String(base))
        waitUntil("the refusal") { late.final != nil }
        guard case .failed(.http(410, _, _))? = late.final else { return XCTFail("\(late.events)") }
        let recent = watch(from: String(cluster.resourceVersion - 2))
        waitUntil("the two kept changes") { recent.items.count == 2 }
        XCTAssertNil(recent.final)

        // A watch that falls behind while it runs hears it in mid-stream (HTTP 409 from gRPC's Aborted, "too old"
        // in the words): still a 410 to the caller, who lists again.
        cluster.advance(by: 120)
        waitUntil("the mid-stream refusal") { recent.final != nil }
        guard case .failed(.http(410, let words, _))? = recent.final else { return XCTFail("\(recent.story)") }
        XCTAssertTrue(words.contains("too old resource version"), words)
        XCTAssertFalse(recent.story.contains("reconnecting"))
    }

    // MARK: Archived logs

    func testTheGonePodsLogIsItsMainLogsArtifact() throws {
        let wf = try workflow("db-fleet-audit-9h3kq")
        let node = try XCTUnwrap(wf.nodes.values.first { $0.outputs?.artifacts?.contains { $0.name == "main-logs" } ?? false })
        XCTAssertEqual(node.phase, "Failed")
        XCTAssertEqual(node.templateName, "dump-schema")
        let artifact = try XCTUnwrap(node.outputs?.artifacts?.first)
        let pod = try XCTUnwrap(wf.podName(of: node))
        XCTAssertEqual(artifact.key, "db-fleet-audit-9h3kq/\(pod)/main.log")
        // Like Argo Server for a pod that no longer exists: an empty log that ends.
        XCTAssertEqual(try fullLog(wf, pod: pod), [])
        let followed = follow(wf, pod: pod)
        waitUntil("the end") { followed.final != nil }
        XCTAssertEqual(followed.story, ["ended"])

        let text: [String] = try outcome { [client] in
            client!.artifactText(namespace: "argo", workflow: wf.name, nodeID: node.id, artifactName: "main-logs", handler: $0)
        }.get()
        XCTAssertTrue((20...60).contains(text.count), "\(text.count) lines")
        XCTAssertTrue(text[0].hasPrefix("dump-schema: starting"), text[0])
        XCTAssertTrue(text.suffix(3).contains { $0.contains("permission denied for schema billing") }, "\(text.suffix(3))")
        XCTAssertEqual(text.last, "exiting with code 4")
        let request = try XCTUnwrap(server.requestLog.last)
        XCTAssertEqual(request, "GET /artifact-files/argo/workflows/db-fleet-audit-9h3kq/\(node.id)/outputs/main-logs")

        client.retryDelays = []
        let other = try XCTUnwrap(wf.nodes.values.first { $0.type == "Pod" && $0.phase == "Failed" && $0.id != node.id })
        let missing: Result<[String], APIError> = outcome { [client] in
            client!.artifactText(namespace: "argo", workflow: wf.name, nodeID: other.id, artifactName: "main-logs", handler: $0)
        }
        guard case .failure(.http(500, "Internal Server Error", _)) = missing else { return XCTFail("\(missing)") }
    }

    // MARK: The clock

    func testALiveClockRunsFasterThanTheWall() throws {
        let live = DemoCluster(now: DemoCluster.frozenNow, ordinary: 0, clock: .live(speed: 40))
        defer { live.stop() }
        Thread.sleep(forTimeInterval: 0.8)
        XCTAssertGreaterThan(live.now - DemoCluster.frozenNow, 20)
        XCTAssertLessThan(live.now - DemoCluster.frozenNow, 80)
        XCTAssertGreaterThan(live.resourceVersion, 1_000_000, "changes happened")
        XCTAssertEqual(live.workflow(named: "nightly-etl-5fj2d")?["status"]?["nodes"]?["nightly-etl-5fj2d"]?["phase"]?.stringValue, "Running")

        let frozen = DemoCluster(ordinary: 0)
        frozen.advance(by: 100)
        XCTAssertEqual(frozen.now, DemoCluster.frozenNow, "a frozen clock never moves")
        XCTAssertEqual(frozen.resourceVersion, 4242)
    }
}
