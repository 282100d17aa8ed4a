@testable import ArgoAPI
import ArgoDemo
import Foundation
import XCTest

@testable import ArgoViewModel

/// The log view on the view-model: which streams `l` and `L` ask for, how lines arrive and are kept, and the
/// keys of the view. Streams are simulated by feeding the results the runtime would post.
final class LogViewTests: XCTestCase {
    func open(_ wf: Workflow) -> AppModel {
        let model = AppModel(server: "test", namespace: "argo", now: DemoCluster.frozenNow)
        _ = model.handle(.resize(cols: 120, rows: 40))
        _ = model.start(workflow: ("argo", wf.name))
        _ = model.handle(.workflow(namespace: "argo", name: wf.name, .success(wf), bytes: 0))
        return model
    }

    func stamp(_ second: Int) -> String { "2026-11-28T11:00:" + (second < 10 ? "0" : "") + "\(second)Z" }

    func line(_ text: String, _ second: Int) -> LogLine { LogLine(content: text, timestamp: stamp(second), source: 0) }

    func testMergedLinesInterleaveByTimeAndSequentialKeepBlocks() {
        var merged = LogViewState(id: 1, title: "", arrangement: .merged, sources: [], maxLines: 1000)
        merged.add([line("a1", 1), line("a3", 3), line("a5", 5)], from: 0)
        merged.add([line("b2", 2), line("b6", 6)], from: 1)
        merged.add([line("c4", 4)], from: 2)
        XCTAssertEqual(merged.lines.map { $0.content }, ["a1", "b2", "a3", "c4", "a5", "b6"])

        let sources = (0..<3).map { LogSource(nodeID: "n\($0)", podName: "p\($0)", label: "step \($0)", follow: false, archivedLog: false) }
        var sequential = LogViewState(id: 2, title: "", arrangement: .sequential, sources: sources, maxLines: 1000)
        sequential.add([line("third", 9)], from: 2)
        sequential.add([line("first-1", 1), line("first-2", 2)], from: 0)
        sequential.add([line("second", 5)], from: 1)
        sequential.add([line("first-3", 3)], from: 0)
        XCTAssertEqual(sequential.lines.map { $0.content },
            ["step 0", "first-1", "first-2", "first-3", "step 1", "second", "step 2", "third"])
        XCTAssertEqual(sequential.lines.filter { $0.isHeading }.count, 3)
    }

    func testMemoryStaysBoundedAndSaysHowMuchWasDropped() {
        var state = LogViewState(id: 1, title: "", arrangement: .single, sources: [], maxLines: 1_000)
        for batch in 0..<50 {
            state.add((0..<100).map { LogLine(content: "line \(batch * 100 + $0)", source: 0) }, from: 0)
        }
        XCTAssertLessThanOrEqual(state.lines.count, 1_000)
        XCTAssertEqual(state.lines.count + state.dropped, 5_000)
        XCTAssertEqual(state.lines.last?.content, "line 4999", "the newest lines stay")
    }

    func openFleet(failing: Set<Int> = [2, 5]) throws -> (AppModel, Workflow) {
        let wf = try FailureFirstTreeTests.fleet(items: 10, failing: failing)
        return (open(wf), wf)
    }

    func effects(_ model: AppModel, _ script: String) -> [Effect] {
        (try! Key.parseScript(script)).flatMap { model.handle($0) }
    }

    func testLOnAStepStreamsItsPodAndTheViewTakesLines() throws {
        let (model, wf) = try openFleet()
        _ = effects(model, "f")
        let node = try XCTUnwrap(wf.nodes[model.selection?.id ?? ""])
        let opened = effects(model, "l")
        XCTAssertEqual(model.view, .logs)
        guard case .streamLog(let id, 0, _, let name, let pod, "main", let follow)? = opened.first else { return XCTFail("\(opened)") }
        XCTAssertEqual(name, wf.name)
        XCTAssertEqual(pod, wf.podName(of: node))
        XCTAssertFalse(follow, "a finished step is read, not followed")
        let lines = (0..<100).map { LogLine(content: $0 == 70 ? "ERROR schema drift" : "line \($0)", timestamp: stamp($0 % 60), source: 0) }
        _ = model.handle(.logStream(view: id, source: 0, .lines(lines, bytes: 4000)))
        _ = model.handle(.logStream(view: id, source: 0, .ended))
        XCTAssertEqual(model.logs?.lines.count, 100)
        XCTAssertFalse(model.logs?.isRunning ?? true)
        // Search, highlight the match and scroll to it; & keeps only matching lines.
        _ = effects(model, "/ error <Enter>")
        XCTAssertEqual(model.logs?.matchLine, 70)
        XCTAssertFalse(model.logs?.follow ?? true)
        XCTAssertTrue(model.notice?.contains("match 1 of 1") == true, model.notice ?? "")
        _ = effects(model, "&")
        XCTAssertEqual(model.logs?.visibleCount, 1)
        _ = effects(model, "& w t")
        XCTAssertEqual(model.logs?.visibleCount, 100)
        XCTAssertEqual(model.logs?.wrap, true)
        XCTAssertEqual(model.logs?.showTimestamps, true)
        // G follows again; g goes to the top and stops following.
        _ = effects(model, "G")
        XCTAssertEqual(model.logs?.follow, true)
        _ = effects(model, "g")
        XCTAssertEqual(model.logs?.follow, false)
        XCTAssertEqual(model.logs?.top, 0)
        // s saves every line, with its time.
        let saved = effects(model, "s")
        guard case .saveLog(let file, let text)? = saved.first else { return XCTFail("\(saved)") }
        XCTAssertTrue(file.hasSuffix(".log") && file.contains(pod))
        XCTAssertEqual(text.count, 100)
        XCTAssertEqual(text[70], stamp(10) + " ERROR schema drift")
        // Esc closes the stream and goes back.
        XCTAssertEqual(effects(model, "<Esc>"), [.cancelLogStreams(view: id)])
        XCTAssertEqual(model.view, .workflow)
        XCTAssertNil(model.logs)
    }

    func testLOnAGroupMergesItsStepsFourStreamsAtATime() throws {
        let (model, wf) = try openFleet()
        _ = effects(model, "G")
        while model.selection?.kind != .group { _ = effects(model, "k") }
        let opened = effects(model, "l")
        let pods = wf.nodes.values.filter { $0.type == "Pod" && $0.phase != "Omitted" && $0.name.contains(".audit(") }.count
        XCTAssertEqual(model.logs?.sources.count, pods)
        XCTAssertEqual(model.logs?.arrangement, .merged)
        XCTAssertEqual(opened.count, AppModel.concurrentLogStreams, "only four streams at once")
        // Each end starts the next waiting one.
        guard case .streamLog(let id, let first, _, _, _, _, _)? = opened.first else { return XCTFail() }
        let next = model.handle(.logStream(view: id, source: first, .ended))
        XCTAssertEqual(next.count, 1)
        guard case .streamLog(_, let index, _, _, _, _, _)? = next.first else { return XCTFail() }
        XCTAssertEqual(index, AppModel.concurrentLogStreams)
        // Lines say which item and step they came from.
        XCTAssertTrue(model.logs?.sources[0].label.hasPrefix("db-000/") == true, model.logs?.sources[0].label ?? "")
    }

    func testCapitalLShowsEveryFailedStepOneAfterAnother() throws {
        let (model, _) = try openFleet(failing: [1, 4, 7])
        let opened = effects(model, "L")
        XCTAssertEqual(model.logs?.arrangement, .sequential)
        XCTAssertEqual(model.logs?.sources.count, 3)
        XCTAssertEqual(opened.count, 3)
        XCTAssertEqual(model.logs?.lines.filter { $0.isHeading }.count, 3)
        XCTAssertTrue(model.logs?.lines.first?.content.contains("exit code") == true, model.logs?.lines.first?.content ?? "")
    }

    func testAGonePodSaysSoAndOffersItsArchivedLog() throws {
        let (model, _) = try openFleet()
        _ = effects(model, "f")
        let opened = effects(model, "l")
        guard case .streamLog(let id, _, _, _, let pod, _, _)? = opened.first else { return XCTFail() }
        _ = model.handle(.logStream(view: id, source: 0, .failed(.http(status: 404, message: "pods \"\(pod)\" not found", namespace: "argo"))))
        XCTAssertEqual(model.logs?.sources[0].state, .gone)
        XCTAssertTrue(model.notice?.contains("gone") == true)
        // This node keeps no main-logs artifact: `a` says so rather than asking.
        XCTAssertTrue(effects(model, "a").isEmpty)
        XCTAssertTrue(model.notice?.contains("no such pod") == true)
    }

    func testStreamsOfAClosedViewAreIgnored() throws {
        let (model, _) = try openFleet()
        _ = effects(model, "f")
        guard case .streamLog(let id, _, _, _, _, _, _)? = effects(model, "l").first else { return XCTFail() }
        _ = effects(model, "<Esc> l")
        _ = model.handle(.logStream(view: id, source: 0, .lines([line("stale", 1)], bytes: 5)))
        XCTAssertEqual(model.logs?.lines.count, 0, "lines of the closed view do not leak into the new one")
    }

    func testCCyclesThroughThePodsContainersIncludingSidecars() throws {
        var wf = try FailureFirstTreeTests.fleet(items: 10, failing: [2])
        let failed = try XCTUnwrap(wf.nodes.values.first { $0.phase == "Failed" && $0.type == "Pod" })
        wf.spec?.templates = [Template(name: failed.templateName, sidecars: [Template.Container(name: "cloud-sql-proxy")], initContainers: nil)]
        let model = open(wf)
        _ = effects(model, "f l")
        var seen: [String] = []
        for _ in 0..<4 {
            let next = effects(model, "c")
            guard case .streamLog(_, _, _, _, _, let container, _)? = next.last else { return XCTFail("\(next)") }
            seen.append(container)
            XCTAssertTrue(next.contains { if case .cancelLogStreams = $0 { return true } else { return false } }, "the old stream closes")
        }
        XCTAssertEqual(seen, ["wait", "init", "cloud-sql-proxy", "main"])
    }
}
