import ArgoAPI
import ArgoDemo
import Foundation
import XCTest

@testable import ArgoViewModel

/// The demo cluster breaks every lesson of production somewhere (so `:lint` has a story), and its ordinary
/// workflows break none.
final class DemoLessonsTests: XCTestCase {
    func testEveryHygieneFlagIsRaisedByADemoWorkflow() throws {
        let cluster = DemoCluster(ordinary: 10)
        var raised: [HygieneFlag.Kind: Set<String>] = [:]
        for object in cluster.workflows {
            let bytes = object.serialized()
            let wf = try JSONDecoder().decode(Workflow.self, from: Data(bytes))
            for flag in Hygiene.flags(of: wf, objectBytes: bytes.count) { raised[flag.kind, default: []].insert(wf.name) }
        }
        // Compressed node maps come through the Kubernetes API (the API server holds them that way).
        for kind in HygieneFlag.Kind.allCases where kind != .compressed {
            XCTAssertFalse(raised[kind, default: []].isEmpty, "no demo workflow raises “\(kind.rawValue)”")
        }
        XCTAssertEqual(raised[.offloaded], ["feature-matrix-k2m9x"])
        XCTAssertTrue(raised[.nearSizeLimit, default: []].contains("feature-matrix-k2m9x"))
        XCTAssertTrue(raised[.noTTL, default: []].contains("integration-tests-r2d2x"))
        XCTAssertTrue(raised[.noPodGC, default: []].contains("release-approval-m4n8t"))
        // The ordinary DAGs of the other namespaces keep the lessons.
        let ordinary = cluster.workflows(inNamespace: "payments").filter { ($0["metadata"]?["name"]?.stringValue ?? "").hasPrefix("settlement-batch-") }
        XCTAssertFalse(ordinary.isEmpty)
        for object in ordinary {
            let wf = try JSONDecoder().decode(Workflow.self, from: Data(object.serialized()))
            XCTAssertEqual(Hygiene.flags(of: wf).map(\.kind), [], wf.name)
        }
    }
}
