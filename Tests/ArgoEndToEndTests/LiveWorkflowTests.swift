import ArgoAPI
import ArgoDemo
import ArgoTerminal
import ArgoViewModel
import Foundation
import XCTest

/// The real runtime and client against a live demo cluster running 20 times faster than the wall: a running
/// workflow advances in the list and in its open tree, and its nodes are read again only when it moved.
final class LiveWorkflowTests: XCTestCase {
    func testAnOpenRunningWorkflowFollowsTheWatchAndReadsItsNodesSparingly() throws {
        // ARGOTOP_LIVE_SECONDS and ARGOTOP_LIVE_SPEED stretch the run for a measurement (e.g. 60 s at 1.5×).
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["ARGOTOP_LIVE_SECONDS"].flatMap(Double.init) ?? 5
        let speed = environment["ARGOTOP_LIVE_SPEED"].flatMap(Double.init) ?? 20
        let cluster = DemoCluster(now: DemoCluster.frozenNow, ordinary: 3, clock: .live(speed: speed))
        defer { cluster.stop() }
        let server = DemoServer(cluster: cluster)
        try server.start(port: 0)
        defer { server.stop() }
        let client = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: "argo"))
        let model = AppModel(server: "test", namespace: "argo", now: cluster.now)
        let runtime = Runtime(model: model, client: client)
        defer { runtime.shutdown() }
        runtime.perform(model.handle(.resize(cols: 120, rows: 40)))
        let name = "nightly-etl-5fj2d"
        runtime.perform(model.start(workflow: ("argo", name)))
        XCTAssertTrue(runtime.waitUntilIdle(limit: 20))
        XCTAssertEqual(model.open?.workflow?.phase, "Running")
        let bytesAtStart = model.bytesReceived
        // One simulated minute and a half, in about five seconds.
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            runtime.drain(waiting: 0.05)
            model.now = cluster.now
        }
        let state = try XCTUnwrap(model.open)
        XCTAssertEqual(state.workflow?.phase, "Succeeded", "the watch brought the end")
        XCTAssertTrue(state.workflow?.nodes.values.allSatisfy { $0.phase != "Running" } ?? false, "the nodes were read again")
        let reads = server.requestLog.filter { $0.hasPrefix("GET /api/v1/workflows/argo/\(name)?") }.count
        XCTAssertGreaterThanOrEqual(state.changesSeen, 3)
        XCTAssertGreaterThanOrEqual(reads, 2, "the first read and at least one after it moved")
        XCTAssertLessThanOrEqual(reads - 1, state.changesSeen, "never more reads than changes")
        // The same minute the way the web UI does it: the whole object on every change.
        let whole = try wholeObjectBytes(client: client, name: name)
        let ours = model.bytesReceived - bytesAtStart
        let theirs = whole * state.changesSeen
        print("live run of \(seconds) s at \(speed)×: \(state.changesSeen) changes of \(name), \(reads - 1) node reads; bytes received \(ours) (all watch events of the namespace included) vs \(theirs) re-reading the whole object on every change")
        if speed >= 10 {
            // Changes that come close together (here 2 simulated seconds apart) share one read.
            XCTAssertLessThan(reads - 1, state.changesSeen, "some changes did not need a read")
        }
    }

    func wholeObjectBytes(client: ArgoClient, name: String) throws -> Int {
        let done = expectation(description: "get")
        nonisolated(unsafe) var size = 0
        client.getWorkflow(namespace: "argo", name: name) { event in
            if case .done(_, let bytes) = event {
                size = bytes
                done.fulfill()
            }
        }
        wait(for: [done], timeout: 20)
        return size
    }
}
