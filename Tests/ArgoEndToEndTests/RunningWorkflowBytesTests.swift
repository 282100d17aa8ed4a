import ArgoAPI
import ArgoDemo
import ArgoTerminal
import ArgoViewModel
import Foundation
import XCTest

/// A big workflow that runs while it is open (a looping DAG the demo cluster writes again whenever a step starts
/// or ends), followed by the real runtime and client over loopback, with the cluster's clock moved by hand: the
/// watch brings small summaries, and the whole workflow is read again at most once per cool-down, the tree then
/// showing the latest state. No timing: the cool-down is made long and its end is delivered as its timer would.
final class RunningWorkflowBytesTests: XCTestCase {
    let workflowName = "fleet-live-t3st1"
    let items = 200

    func testARunningWorkflowIsReadAgainOncePerCoolDownWhileTheWatchBringsSummaries() throws {
        let session = try DemoSession(clock: .manual, ordinary: 0)
        defer { session.stop() }
        let cluster = session.cluster
        let model = session.model
        let failing: Set<Int> = [13, 77, 150]
        let timeline = DemoCluster.loopingDAGTimeline(name: workflowName, items: items, failing: failing)
        let opened = try XCTUnwrap(cluster.runLoopingDAG(name: workflowName, items: items, failing: failing, elapsed: timeline.lastItemStart / 2))
        XCTAssertEqual(opened["status"]?["phase"]?.stringValue, "Running")
        // A cool-down that does not end by itself during the test: the test ends it, as its timer would.
        model.refreshBaseSeconds = 3600
        model.refreshSecondsPerMB = 0
        XCTAssertTrue(session.start(workflow: workflowName))
        XCTAssertEqual(reads(session), 1)
        let firstRead = try XCTUnwrap(model.open?.workflow)
        XCTAssertEqual(firstRead.nodes.count, nodeCount(opened))

        // The watch asks for the summary of each workflow and never for its nodes.
        XCTAssertTrue(drain(session) { !session.requests("GET /api/v1/workflow-events/").isEmpty }, "the watch started")
        let watch = try XCTUnwrap(session.requests("GET /api/v1/workflow-events/").last)
        let fields = try XCTUnwrap(DemoServer.queryValue("fields", in: watch))
        XCTAssertFalse(fields.hasPrefix("-"), "an inclusion list: \(fields)")
        let paths = fields.split(separator: ",").map(String.init)
        XCTAssertTrue(paths.contains("result.object.status.progress"))
        for path in paths {
            XCTAssertFalse("result.object.status.nodes".hasPrefix(path) || path.hasPrefix("result.object.status.nodes"), "\(path) brings the nodes")
        }

        var latest = opened
        var changes = 0
        for round in 1...2 {
            let bytesBefore = model.bytesReceived
            let changesBefore = changes
            // Many changes: a minute of the run, three seconds at a time.
            for _ in 0..<20 {
                cluster.advance(by: 3)
                let written = events(cluster, after: opened)
                changes = written.count
                latest = written.last ?? latest
                XCTAssertTrue(drain(session) { model.open?.changesSeen ?? 0 >= changes }, "the watch brought change \(changes)")
            }
            XCTAssertGreaterThanOrEqual(changes - changesBefore, 10, "the workflow changed often")
            XCTAssertEqual(reads(session), round, "no read during the cool-down, however many changes")
            let state = try XCTUnwrap(model.open)
            XCTAssertTrue(state.stale)
            XCTAssertEqual(state.workflow?.status?.progress, latest["status"]?["progress"]?.stringValue, "the summary is live")
            XCTAssertNotEqual(phases(state.workflow), phases(latest), "the nodes wait for the read")
            // What the watch cost for all those changes: summaries, under 2% of the objects it told about.
            let watchBytes = model.bytesReceived - bytesBefore
            let whole = FieldCleaner(Endpoints.getExclusions).clean(latest).serialized().count
            XCTAssertLessThan(watchBytes * 50, (changes - changesBefore) * whole, "\(changes - changesBefore) changes cost \(watchBytes) bytes; the object is \(whole)")

            // The cool-down ends: one read, and the tree shows the workflow as it is now.
            session.runtime.perform(model.handle(.timer("nodes:\(cluster.namespace)/\(workflowName)")))
            XCTAssertTrue(session.runtime.waitUntilIdle(limit: 20))
            XCTAssertEqual(reads(session), round + 1)
            XCTAssertFalse(model.open?.stale ?? true)
            XCTAssertEqual(phases(model.open?.workflow), phases(latest), "the tree shows the latest state")
            XCTAssertEqual(model.open?.tree?.entries.count ?? 0 > 0, true)
            XCTAssertTrue(session.screen.contains(latest["status"]?["progress"]?.stringValue ?? "?"), session.screen)
        }
        // The timer again with no news in between: nothing to read.
        session.runtime.perform(model.handle(.timer("nodes:\(cluster.namespace)/\(workflowName)")))
        XCTAssertTrue(session.runtime.waitUntilIdle(limit: 20))
        XCTAssertEqual(reads(session), 3)
    }

    /// The demo's running looping DAG: nodes appear as they start, run, and end as the finished one says.
    func testTheRunningLoopingDAGGrowsIntoTheFinishedOne() throws {
        let cluster = DemoCluster(ordinary: 0, clock: .manual)
        defer { cluster.stop() }
        let failing: Set<Int> = [3, 11]
        let timeline = DemoCluster.loopingDAGTimeline(name: workflowName, items: 30, failing: failing)
        let start = try XCTUnwrap(cluster.runLoopingDAG(name: workflowName, items: 30, failing: failing, elapsed: 0, interval: 0.5))
        XCTAssertEqual(nodeCount(start), 2, "the root and list-databases")
        var last = start
        var counts: [Int] = []
        var versions = 0
        while last["status"]?["phase"]?.stringValue == "Running" {
            cluster.advance(by: 7)
            let written = events(cluster, after: start)
            XCTAssertGreaterThanOrEqual(written.count, versions)
            versions = written.count
            last = written.last ?? last
            counts.append(nodeCount(last))
            XCTAssertLessThan(cluster.now - DemoCluster.frozenNow, timeline.duration + 60, "it ends")
        }
        XCTAssertEqual(counts, counts.sorted(), "nodes only appear")
        // Ended: the same as the finished workflow, but for its place in time and its resourceVersion.
        let finished = DemoCluster.loopingDAG(name: workflowName, namespace: cluster.namespace, items: 30, failing: failing, now: DemoCluster.frozenNow)
        XCTAssertEqual(nodeCount(last), nodeCount(finished))
        XCTAssertEqual(last["status"]?["phase"]?.stringValue, finished["status"]?["phase"]?.stringValue)
        XCTAssertEqual(last["status"]?["progress"]?.stringValue, finished["status"]?["progress"]?.stringValue)
        XCTAssertEqual(phases(last), phases(finished))
        // Nothing more after its end.
        cluster.advance(by: 60)
        XCTAssertEqual(events(cluster, after: start).count, versions)

        // Run from the instant the finished one is placed at, it has ended: byte for byte the finished one.
        let other = DemoCluster(ordinary: 0, clock: .manual)
        defer { other.stop() }
        let ended = try XCTUnwrap(other.runLoopingDAG(name: workflowName, items: 30, failing: failing, elapsed: 90 * 60 - 2))
        let withoutVersion = FieldCleaner("-metadata.resourceVersion")
        XCTAssertEqual(String(decoding: withoutVersion.clean(ended).serialized(), as: UTF8.self),
            String(decoding: withoutVersion.clean(finished).serialized(), as: UTF8.self))
    }

    // MARK: Helpers

    func reads(_ session: DemoSession) -> Int {
        session.requests("GET /api/v1/workflows/\(session.cluster.namespace)/\(workflowName)?").count
    }

    /// The changes the cluster made to the workflow since `opened` (its first object).
    func events(_ cluster: DemoCluster, after opened: JSONValue) -> [JSONValue] {
        let version = Int(opened["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
        return (cluster.events(after: version) ?? []).filter { $0.object["metadata"]?["name"]?.stringValue == workflowName }.map(\.object)
    }

    func nodeCount(_ workflow: JSONValue) -> Int {
        guard case .object(let nodes)? = workflow["status"]?["nodes"] else { return 0 }
        return nodes.count
    }

    /// Node names and phases, in order of name.
    func phases(_ workflow: JSONValue) -> [String] {
        guard case .object(let nodes)? = workflow["status"]?["nodes"] else { return [] }
        return nodes.map { ($0.1["name"]?.stringValue ?? "") + " " + ($0.1["phase"]?.stringValue ?? "") }.sorted()
    }

    func phases(_ workflow: Workflow?) -> [String] {
        (workflow?.nodes.values.map { $0.name + " " + ($0.phase ?? "") } ?? []).sorted()
    }

    /// Applies what arrives until `done` holds (at most 20 s).
    func drain(_ session: DemoSession, until done: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: 20)
        while !done() {
            if Date() > deadline { return false }
            session.runtime.drain(waiting: 0.05)
        }
        return true
    }
}
