import ArgoAPI
import ArgoDemo
import Foundation
import XCTest

@testable import ArgoViewModel

/// Folding, fan-out groups, `f`/`F`, search and refresh on the view-model, driven by keys and results
/// exactly as the runtime drives it (no network: the workflow arrives as a result event).
final class FailureFirstTreeTests: XCTestCase {
    static let namespace = "argo"

    func open(_ wf: Workflow, cols: Int = 120, rows: Int = 40) -> AppModel {
        let model = AppModel(server: "test", namespace: Self.namespace, now: DemoCluster.frozenNow)
        _ = model.handle(.resize(cols: cols, rows: rows))
        _ = model.start(workflow: (Self.namespace, wf.name))
        _ = model.handle(.workflow(namespace: Self.namespace, name: wf.name, .success(wf), bytes: 0))
        return model
    }

    func press(_ model: AppModel, _ script: String) {
        for key in try! Key.parseScript(script) { _ = model.handle(key) }
    }

    static func fleet(items: Int = 300, failing: Set<Int>, erroring: Set<Int> = []) throws -> Workflow {
        let json = DemoCluster.loopingDAG(name: "fleet-audit-t3st1", namespace: namespace, items: items, failing: failing,
            erroring: erroring, now: DemoCluster.frozenNow)
        return try JSONDecoder().decode(Workflow.self, from: Data(json.serialized()))
    }

    // MARK: Failed steps on every real fixture

    /// The failed steps by the rule, computed here from the raw nodes: drawn, Failed or Error, reachable from
    /// the root or the exit handler, not an attempt a later attempt of the same Retry superseded, and with
    /// no such failed node below.
    func expectedFailedSteps(_ wf: Workflow) -> Set<String> {
        let nodes = wf.nodes.dictionary
        let rules = TreeRulesTests.self
        var parentOf: [String: String] = [:]
        for id in nodes.keys { if let p = rules.directParent(id, in: nodes) { parentOf[id] = p } }
        let exitRoot = nodes.values.first(where: { $0.name == wf.name + ".onExit" })?.id
        func chain(_ id: String) -> [String] {
            var out: [String] = []
            var cursor = parentOf[id]
            var seen: Set<String> = [id]
            while let c = cursor, seen.insert(c).inserted {
                out.append(c)
                cursor = parentOf[c]
            }
            return out
        }
        func superseded(_ id: String) -> Bool {
            // Under a Retry, only the attempt that started last (ties: by name) still counts.
            for (child, ancestor) in zip([id] + chain(id), chain(id)) where nodes[ancestor]?.type == "Retry" {
                let attempts = (nodes[ancestor]?.children ?? []).compactMap { nodes[$0] }
                let last = attempts.max { a, b in
                    let ta = a.startedAt?.seconds ?? 0, tb = b.startedAt?.seconds ?? 0
                    return ta != tb ? ta < tb : a.shownName < b.shownName
                }
                if let last, last.id != child { return true }
            }
            return false
        }
        let drawable: Set<String> = ["Pod", "Skipped", "Suspend", "HTTP", "Plugin", "DAG", "Steps", "Retry"]
        let candidates = nodes.values.filter { node in
            (node.phase == "Failed" || node.phase == "Error") && drawable.contains(node.type) && !rules.isHidden(node)
                && ([node.id] + chain(node.id)).contains { $0 == wf.name || $0 == exitRoot } && !superseded(node.id)
        }.map { $0.id }
        let set = Set(candidates)
        return set.filter { id in !set.contains { other in other != id && chain(other).contains(id) } }
    }

    func testFVisitsExactlyTheFailedStepsOfEveryFixtureInTreeOrderAndWraps() throws {
        var fixturesWithFailures = 0
        for (file, wf) in try TreeRulesTests.fixtures() {
            let expected = expectedFailedSteps(wf)
            let model = open(wf)
            XCTAssertEqual(model.failedCount, expected.count, "\(file): failed count")
            guard !expected.isEmpty else {
                press(model, "f")
                XCTAssertEqual(model.notice, "no failed steps in this workflow", file)
                continue
            }
            fixturesWithFailures += 1
            var visited: [String] = []
            for _ in 0..<expected.count {
                press(model, "f")
                let selection = try XCTUnwrap(model.selection, file)
                visited.append(try XCTUnwrap(selection.id))
                XCTAssertTrue(selection.phase == "Failed" || selection.phase == "Error", file)
                // The step is on screen with its parent.
                let state = try XCTUnwrap(model.open)
                XCTAssertTrue((state.cursor.top..<state.cursor.top + model.treeHeight).contains(state.cursor.selected), file)
                if let parent = state.tree?.ancestors(of: state.selectedEntry).last, let row = state.rowOfEntry[parent] {
                    XCTAssertGreaterThanOrEqual(row, state.cursor.top, "\(file): the parent stays in view")
                }
            }
            XCTAssertEqual(Set(visited), expected, file)
            XCTAssertEqual(visited.count, expected.count, "\(file): each failed step once")
            // Tree order: each visit is further down the rows than the one before.
            let state = try XCTUnwrap(model.open)
            let positions = visited.map { id in state.rows.firstIndex { $0.nodeID == id } ?? -1 }
            XCTAssertEqual(positions, positions.sorted(), "\(file): tree order")
            XCTAssertFalse(positions.contains(-1), file)
            press(model, "f")
            XCTAssertEqual(model.selection?.id, visited.first, "\(file): wraps to the first")
            XCTAssertTrue(model.notice?.contains("wrapped") == true, file)
            press(model, "F")
            XCTAssertEqual(model.selection?.id, visited.last, "\(file): F wraps back to the last")
        }
        XCTAssertGreaterThanOrEqual(fixturesWithFailures, 5, "the fixtures should hold failed workflows")
    }

    // MARK: A generated 1,500-node looping DAG

    static let failing: Set<Int> = [3, 17, 41, 42, 99, 128, 150, 201, 233, 260, 271, 299]
    static let erroring: Set<Int> = [77]

    func testGroupRowCountsAndFReachesEveryScatteredFailure() throws {
        let wf = try Self.fleet(failing: Self.failing, erroring: Self.erroring)
        XCTAssertGreaterThanOrEqual(wf.nodes.count, 1_500)
        let model = open(wf)
        let state = try XCTUnwrap(model.open)
        let tree = try XCTUnwrap(state.tree)
        // The 300 items fold into one group row, folded at first: the screen is short.
        let groupRows = state.rows.filter { if case .group = $0.item { return true } else { return false } }
        XCTAssertEqual(groupRows.count, 1)
        guard case .group(let g) = groupRows[0].item else { return XCTFail() }
        let group = tree.groups[g]
        XCTAssertEqual(group.members.count, 300)
        XCTAssertTrue(groupRows[0].folded)
        XCTAssertLessThan(state.rows.count, 10)
        let counts = Dictionary(uniqueKeysWithValues: group.counts.map { ($0.phase, $0.count) })
        XCTAssertEqual(counts, ["Succeeded": 300 - Self.failing.count - Self.erroring.count, "Failed": Self.failing.count, "Error": Self.erroring.count])
        XCTAssertEqual(group.phase, "Error", "the group shows its worst member")
        // The members' phases agree with the counts.
        XCTAssertEqual(group.members.filter { wf.nodes[$0]?.phase == "Failed" }.count, Self.failing.count)

        XCTAssertEqual(model.failedCount, Self.failing.count + Self.erroring.count)
        var reachedItems: [Int] = []
        for _ in 0..<model.failedCount {
            press(model, "f")
            let selection = try XCTUnwrap(model.selection)
            let node = try XCTUnwrap(wf.nodes[selection.id ?? ""])
            XCTAssertEqual(node.type, "Pod", "the deepest failed node is a step, not its DAG")
            let item = try XCTUnwrap(node.name.split(separator: "(").dropFirst().first.flatMap { Int($0.split(separator: ":")[0]) })
            reachedItems.append(item)
        }
        XCTAssertEqual(Set(reachedItems), Self.failing.union(Self.erroring))
        XCTAssertEqual(reachedItems, reachedItems.sorted(), "items in tree order")
    }

    func testFoldingAndSelectionSurviveARefresh() throws {
        let wf = try Self.fleet(failing: Self.failing, erroring: Self.erroring)
        let model = open(wf)
        press(model, "f f f")
        let selected = model.selection?.id
        // Fold the selected step's item DAG (Left goes to the parent, Space folds it), then the step's neighbour.
        press(model, "<Left> <Space>")
        let folded = try XCTUnwrap(model.open?.rows)
        XCTAssertTrue(folded[try XCTUnwrap(model.open?.cursor.selected)].folded)
        let selectedAfterFold = model.selection?.id
        XCTAssertNotEqual(selectedAfterFold, selected)
        // A refresh (`r`) reads the workflow again; the same object comes back.
        press(model, "r")
        _ = model.handle(.workflow(namespace: Self.namespace, name: wf.name, .success(wf), bytes: 0))
        XCTAssertEqual(model.open?.rows, folded, "folds survive")
        XCTAssertEqual(model.selection?.id, selectedAfterFold, "selection survives")
        // `f` unfolds the item again to reach its failed step.
        press(model, "F f")
        XCTAssertEqual(model.selection?.id, selected)
    }

    func testFoldKeys() throws {
        let wf = try Self.fleet(items: 30, failing: [])
        let model = open(wf)
        let rowsAtStart = try XCTUnwrap(model.open?.rows.count)
        // Move onto the group row and unfold it with Right, fold it with Space, unfold with Enter.
        press(model, "G")
        while model.selection?.kind != .group { press(model, "k") }
        press(model, "<Right>")
        XCTAssertEqual(model.open?.rows.count, rowsAtStart + 30 * 5)
        press(model, "<Space>")
        XCTAssertEqual(model.open?.rows.count, rowsAtStart)
        press(model, "<Enter>")
        XCTAssertEqual(model.open?.rows.count, rowsAtStart + 30 * 5)
        XCTAssertEqual(model.view, .workflow, "Enter on a group unfolds it rather than opening details")
        // Left on an unfolded row folds it; on a folded row it goes to the parent.
        press(model, "j <Left>")
        XCTAssertEqual(model.open?.rows.count, rowsAtStart + 30 * 5 - 4)
        press(model, "<Left>")
        XCTAssertEqual(model.selection?.kind, .group)
    }

    func testSmallFanOutsStartOpen() throws {
        let wf = try Self.fleet(items: 12, failing: [])
        let model = open(wf)
        let rows = try XCTUnwrap(model.open?.rows)
        XCTAssertTrue(rows.contains { if case .group = $0.item { return true } else { return false } })
        XCTAssertFalse(rows.contains { $0.folded })
        XCTAssertEqual(rows.filter { $0.nodeID != nil }.count, wf.nodes.count, "every node is drawn: none is hidden here")
        XCTAssertEqual(model.failedCount, 0)
    }

    func testSearchMovesBetweenMatchesUnfolding() throws {
        let wf = try Self.fleet(failing: Self.failing)
        let model = open(wf)
        press(model, "/ db-123 <Enter>")
        XCTAssertNil(model.prompt)
        XCTAssertEqual(model.selection?.name, "audit(123:db-123)")
        XCTAssertTrue(model.notice?.contains("match 1 of 1") == true, model.notice ?? "")
        press(model, "/ publish <Enter>")
        let first = model.selection?.id
        XCTAssertEqual(wf.nodes[first ?? ""]?.templateName, "publish-report")
        press(model, "n")
        XCTAssertNotEqual(model.selection?.id, first)
        press(model, "N")
        XCTAssertEqual(model.selection?.id, first)
        // Messages are searched too; a search without a match says so and keeps the selection.
        press(model, "/ connection_refused_nowhere <Enter>")
        XCTAssertEqual(model.selection?.id, first)
        XCTAssertTrue(model.notice?.contains("no step matches") == true)
        // Esc abandons a search being typed; Backspace edits it.
        press(model, "/ abc <BS> <Esc>")
        XCTAssertNil(model.prompt)
        XCTAssertEqual(model.open?.searchQuery, "connection_refused_nowhere")
    }

    /// Search finds a text ignoring case as `lowercased().contains` does: printable ASCII folded byte by byte,
    /// anything else (accents, ß, İ, combining marks, a CR LF pair, tabs) lowercased whole.
    func testSearchIgnoresCaseAsLowercasingDoes() {
        var random = SeededRandom(seed: 11)
        let pieces = ["a", "B", "z", "Z", "db-", "0", "7", " ", "_", "(", ":", "É", "é", "ß", "SS", "İ", "i", "e\u{301}", "\r\n", "\t", "~", "@", "[", "`"]
        func text(_ n: Int) -> String { (0..<n).map { _ in pieces.randomElement(using: &random)! }.joined() }
        var found = 0
        for _ in 0..<4000 {
            let haystack = text(Int.random(in: 0...12, using: &random))
            // Half the needles are part of the haystack, in another case.
            var query = text(Int.random(in: 1...3, using: &random))
            if Bool.random(using: &random), !haystack.isEmpty {
                let chars = Array(haystack)
                let start = Int.random(in: 0..<chars.count, using: &random)
                let end = Int.random(in: start..<chars.count, using: &random)
                query = String(chars[start...end]).uppercased()
            }
            let expected = haystack.lowercased().contains(query.lowercased())
            XCTAssertEqual(NodeTree.Needle(query).found(in: haystack), expected, "\(query.debugDescription) in \(haystack.debugDescription)")
            if expected { found += 1 }
        }
        XCTAssertGreaterThan(found, 1000)
        XCTAssertFalse(NodeTree.Needle("x").found(in: nil))
    }

    func testFailedSelectionAsksForItsLogTailOnce() throws {
        let wf = try Self.fleet(items: 20, failing: [2])
        let model = open(wf)
        let effects = try Key.parseScript("f").flatMap { model.handle($0) }
        guard case .fetchLogTail(_, let name, let pod, let lines)? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(name, wf.name)
        let node = try XCTUnwrap(wf.nodes[model.selection?.id ?? ""])
        XCTAssertEqual(pod, "\(wf.name)-\(node.templateName!)-\(fnv32a(node.name))", "v2 pod name")
        XCTAssertEqual(lines, model.logTailLines)
        _ = model.handle(.logTail(namespace: Self.namespace, workflow: wf.name, podName: pod, .success(["a", "b"]), bytes: 10))
        XCTAssertEqual(model.open?.logTails[pod]?.lines, ["a", "b"])
        // Coming back to it does not fetch again; a succeeded step fetches nothing.
        XCTAssertTrue(try Key.parseScript("k f").flatMap { model.handle($0) }.isEmpty)
    }
}
