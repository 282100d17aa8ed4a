@testable import ArgoAPI
import Foundation
import XCTest

@testable import ArgoRender
@testable import ArgoViewModel

/// For random trees, broken ones included (nodes their own ancestors, ids that point nowhere, names shared,
/// absurd fan-outs, hostile text), building the view-model, pressing keys and drawing at random sizes never
/// traps and never puts a control character on screen.
final class RandomTreePropertyTests: XCTestCase {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1000) / 1000 < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }
    }

    static let hostile = [
        "ok", "\u{1B}[2J\u{1B}[H", "\u{1B}]0;title\u{07}", "\u{1B}]52;c;aGk=\u{07}", "\u{1B}P1$r\u{1B}\\", "\u{9B}31m",
        "bell\u{07}", "\u{202E}evil", "zero\u{200B}width", "e\u{301}\u{301}\u{301}", "漢字", "👩‍👩‍👧", "tab\there",
        "line\nbreak", "\u{7F}", String(repeating: "x", count: 400), "(3:item)", "[0]", "",
    ]
    static let types = ["Pod", "DAG", "Steps", "StepGroup", "Retry", "Skipped", "Suspend", "TaskGroup", "Container", "HTTP", "Plugin", "Weird"]
    static let phases = ["Succeeded", "Failed", "Error", "Running", "Pending", "Skipped", "Omitted", "", "Bogus"]

    func randomWorkflow(_ r: inout Random) -> Workflow {
        let count = r.chance(0.1) ? 1 : r.int(1..<400)
        let name = "wf"
        // Now and then the root is missing: the tree has nothing to hang from.
        let rootMissing = r.chance(0.05)
        var ids = (0..<count).map { $0 == 0 && !rootMissing ? name : "n\($0)" }
        if r.chance(0.2) { ids.append(ids[r.int(0..<ids.count)]) }  // a duplicate id (the later one wins in the map)
        var nodes: [String: NodeStatus] = [:]
        for (index, id) in ids.enumerated() {
            let type = r.pick(Self.types)
            let shown = r.pick(Self.hostile) + (r.chance(0.3) ? "(\(index % 7):x)" : "")
            var node = NodeStatus(id: id, name: index == 0 ? name : name + "." + shown, displayName: r.chance(0.9) ? shown : nil,
                type: type, phase: r.chance(0.9) ? r.pick(Self.phases) : nil)
            node.templateName = r.chance(0.8) ? r.pick(Self.hostile) : nil
            node.message = r.chance(0.5) ? r.pick(Self.hostile) : nil
            let target = { (r: inout Random) -> String in
                r.chance(0.1) ? "missing-\(r.int(0..<5))" : (r.chance(0.05) ? id : ids[r.int(0..<ids.count)])
            }
            if index > 0 || r.chance(0.1) { node.boundaryID = r.chance(0.9) ? target(&r) : "" }
            if r.chance(0.4) {
                let wide = r.chance(0.05) ? r.int(0..<2_000) : r.int(0..<6)
                node.children = (0..<wide).map { _ in target(&r) }
            }
            if r.chance(0.3) {
                node.startedAt = Timestamp(seconds: Double(r.int(0..<100_000)))
                if r.chance(0.7) { node.finishedAt = Timestamp(seconds: Double(r.int(0..<200_000))) }
            }
            if r.chance(0.3) {
                node.outputs = Outputs(parameters: [Parameter(name: r.pick(Self.hostile), value: r.chance(0.5) ? "{\"a\":[1,{\"b\":\"\u{1B}[31m\"}]}" : r.pick(Self.hostile))],
                    artifacts: nil, exitCode: r.chance(0.5) ? String(r.int(0..<300)) : nil, result: nil)
            }
            nodes[id] = node
        }
        var status = WorkflowStatus()
        status.phase = r.pick(Self.phases)
        status.message = r.pick(Self.hostile)
        status.nodes = NodeMap(nodes)
        return Workflow(metadata: ObjectMeta(name: name, namespace: "argo"), status: status)
    }

    func assertSafe(_ canvas: Canvas, cols: Int, rows: Int, _ context: String) {
        XCTAssertEqual(canvas.lines.count, rows, context)
        for line in canvas.lines {
            XCTAssertLessThanOrEqual(DisplayText.width(line), cols, context)
            for scalar in line.unicodeScalars {
                let v = scalar.value
                if v < 0x20 || v == 0x7F || (0x80..<0xA0).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                    XCTFail("control U+\(String(v, radix: 16)) on screen: \(context)")
                    return
                }
            }
        }
    }

    func testRandomBrokenTreesDrawSafelyAtRandomSizes() {
        var r = Random(state: 20_261_128)
        let scripts = ["", "f", "f f F", "<Space> j <Space>", "G <Enter>", "f <Enter> G <Space>", "o", "/ x <Enter> n N", "<Right> <Left> <Left>",
                       "f l", "L", "? j j", "<Esc> <Esc>"]
        for round in 0..<150 {
            let wf = randomWorkflow(&r)
            let cols = r.chance(0.2) ? r.int(1..<24) : r.int(20..<220)
            let rows = r.chance(0.2) ? r.int(1..<8) : r.int(6..<70)
            let model = AppModel(server: "s", namespace: "argo", now: 150_000, ascii: r.chance(0.2))
            _ = model.handle(.resize(cols: cols, rows: rows))
            _ = model.start(workflow: ("argo", "wf"))
            _ = model.handle(.workflow(namespace: "argo", name: "wf", .success(wf), bytes: 1))
            let script = r.pick(scripts)
            let context = "round \(round), \(cols)x\(rows), \(wf.nodes.count) nodes, keys \(script)"
            for key in (try? Key.parseScript(script)) ?? [] {
                _ = model.handle(key)
                if model.view == .logs, var logs = model.logs {
                    // Hostile log lines arrive for the first source.
                    logs.add((0..<5).map { _ in LogLine(content: r.pick(Self.hostile), timestamp: nil, source: 0) }, from: 0)
                    model.logs = logs
                }
            }
            assertSafe(Screens.render(model), cols: cols, rows: rows, context)
            // A resize in the middle of it all.
            let (c2, r2) = (r.int(1..<160), r.int(1..<50))
            _ = model.handle(.resize(cols: c2, rows: r2))
            assertSafe(Screens.render(model), cols: c2, rows: r2, context + " resized to \(c2)x\(r2)")
        }
    }

    /// A terminal of 20x6 still says where you are and what is selected.
    func testATinyTerminalStillDrawsSomethingSensible() throws {
        var r = Random(state: 7)
        let wf = randomWorkflow(&r)
        let model = AppModel(server: "s", namespace: "argo", now: 0)
        _ = model.handle(.resize(cols: 20, rows: 6))
        _ = model.start(workflow: ("argo", "wf"))
        _ = model.handle(.workflow(namespace: "argo", name: "wf", .success(wf), bytes: 1))
        let lines = Screens.render(model).lines
        XCTAssertTrue(lines[0].contains("argotop"))
        XCTAssertTrue(lines.contains { $0.contains("▶") }, lines.joined(separator: "\n"))
    }
}
