import ArgoAPI
@testable import ArgoDemo
import Foundation
import XCTest

/// The demo cluster's simulation: the same seed and the same steps of a manual clock give the same cluster and
/// the same changes; another seed gives another cluster; time moves the story on.
final class DemoSimulationTests: XCTestCase {
    /// Ten minutes in steps of 20 s: every workflow (serialized) and every change, in order.
    func run(seed: UInt64) -> (workflows: [[UInt8]], events: [String]) {
        let cluster = DemoCluster(seed: seed, ordinary: 40, clock: .manual)
        defer { cluster.stop() }
        let start = cluster.resourceVersion
        for _ in 0..<30 { cluster.advance(by: 20) }
        let events = (cluster.events(after: start) ?? []).map {
            "\($0.resourceVersion) \($0.type) \($0.object["metadata"]?["name"]?.stringValue ?? "?") \($0.object["status"]?["phase"]?.stringValue ?? "")"
        }
        return (cluster.workflows.map { $0.serialized() }, events)
    }

    func testTheSameSeedAndClockGiveTheSameSimulation() {
        let first = run(seed: 7)
        let second = run(seed: 7)
        XCTAssertGreaterThan(first.events.count, 10, "ten minutes bring changes")
        XCTAssertEqual(first.events, second.events)
        XCTAssertEqual(first.workflows.count, second.workflows.count)
        XCTAssertTrue(first.workflows == second.workflows, "the same bytes for every workflow")
    }

    func testAnotherSeedGivesAnotherCluster() {
        let one = DemoCluster(seed: 1, ordinary: 40)
        let other = DemoCluster(seed: 2, ordinary: 40)
        let names = { (cluster: DemoCluster) in Set(cluster.workflows.compactMap { $0["metadata"]?["name"]?.stringValue }) }
        XCTAssertEqual(one.workflows.count, other.workflows.count)
        XCTAssertNotEqual(names(one), names(other))
        // The designed story is the same whatever the seed.
        for name in ["db-auditing-x7k2p", "db-audit-prod-t4k9w", "nightly-etl-5fj2d"] {
            XCTAssertNotNil(one.workflow(named: name), name)
            XCTAssertNotNil(other.workflow(named: name), name)
        }
    }

    func testTimeMovesTheStoryOn() {
        let cluster = DemoCluster(ordinary: 10, clock: .manual)
        defer { cluster.stop() }
        let phase = { (name: String) in cluster.workflow(named: name)?["status"]?["phase"]?.stringValue }
        let before = cluster.workflows.count
        XCTAssertEqual(phase("nightly-etl-5fj2d"), "Running")
        for _ in 0..<60 { cluster.advance(by: 20) }
        XCTAssertNotEqual(phase("nightly-etl-5fj2d"), "Running", "the running ETL ends within twenty minutes")
        XCTAssertGreaterThan(cluster.workflows.count, before, "new workflows appear")
        // The frozen clock keeps everything where it was.
        let frozen = DemoCluster(ordinary: 10)
        let still = frozen.workflows.map { $0.serialized() }
        frozen.advance(by: 600)
        XCTAssertTrue(frozen.workflows.map { $0.serialized() } == still)
    }
}

/// The failing synthetic test goes on firing while time moves: each run appears, fails with its exit handler's
/// alert, leaves the cluster by its TTL and stays in the archive; the cron's last run moves with it.
final class DemoCronFiringTests: XCTestCase {
    func testSyntheticCheckoutFiresFailsAndIsArchived() throws {
        let cluster = DemoCluster(ordinary: 3, clock: .manual)
        defer { cluster.stop() }
        let archivedBefore = cluster.archivedWorkflows.count
        let lastBefore = try XCTUnwrap(cronLast(cluster))
        let fired = try XCTUnwrap(cluster.firedCheckoutRuns(upTo: cluster.now + 600).last)
        let name = "synthetic-checkout-\(Int(fired.at))"
        XCTAssertNil(cluster.workflow(named: name))

        cluster.tick(to: fired.at + 5)
        let running = try XCTUnwrap(cluster.workflow(named: name), "the run appears at its mark")
        XCTAssertEqual(running["status"]?["phase"]?.stringValue, "Running")
        XCTAssertEqual(running["metadata"]?["labels"]?["workflows.argoproj.io/cron-workflow"]?.stringValue, "synthetic-checkout")
        XCTAssertGreaterThan(try XCTUnwrap(cronLast(cluster)), lastBefore)

        cluster.tick(to: fired.at + 1 + fired.duration + 1)
        let ended = try XCTUnwrap(cluster.workflow(named: name))
        XCTAssertEqual(ended["status"]?["phase"]?.stringValue, "Failed")
        guard case .object(let nodes)? = ended["status"]?["nodes"] else { return XCTFail("no nodes") }
        XCTAssertTrue(nodes.contains { $0.1["name"]?.stringValue == "\(name).onExit" }, "the exit handler ran")
        XCTAssertGreaterThan(cluster.archivedWorkflows.count, archivedBefore)
        XCTAssertTrue(cluster.archivedWorkflows.contains { $0["metadata"]?["name"]?.stringValue == name }, "archived when it ended")

        cluster.tick(to: fired.at + 1 + fired.duration + 125)
        XCTAssertNil(cluster.workflow(named: name), "the TTL deleted it")
        XCTAssertTrue(cluster.archivedWorkflows.contains { $0["metadata"]?["name"]?.stringValue == name }, "the archive keeps it")
    }

    func testTheFrozenClusterFiresNothing() {
        let cluster = DemoCluster(ordinary: 3)
        XCTAssertTrue(cluster.firedCheckoutRuns(upTo: cluster.now + 3_600).isEmpty)
    }

    private func cronLast(_ cluster: DemoCluster) -> Double? {
        let cron = cluster.cronWorkflows.first { $0["metadata"]?["name"]?.stringValue == "synthetic-checkout" }
        return cron?["status"]?["lastScheduledTime"]?.stringValue.flatMap(Timestamp.init(rfc3339:))?.seconds
    }
}
