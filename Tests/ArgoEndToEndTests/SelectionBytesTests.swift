import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoTerminal
import ArgoViewModel
import Foundation
import XCTest

/// What moving the selection sends to a terminal: the real ncurses front's painter on a real ncurses screen
/// (newterm, xterm-256color) whose terminal is a file, so every byte is counted. No timing involved.
final class SelectionBytesTests: XCTestCase {
    /// A looping DAG of 400 audits opened at 160x50, its group of items unfolded, the first item selected.
    static func openTree() throws -> AppModel {
        let json = DemoCluster.loopingDAG(name: "sel-400", namespace: "argo", items: 400, failing: [13, 110], now: DemoCluster.frozenNow)
        let wf = try FastWorkflowDecoder.decode(Data(json.serialized()))
        let model = AppModel(server: "t", namespace: "argo", now: DemoCluster.frozenNow)
        _ = model.handle(.resize(cols: 160, rows: 50))
        _ = model.start(workflow: ("argo", wf.name))
        _ = model.handle(.workflow(namespace: "argo", name: wf.name, .success(wf), bytes: 0))
        for key: Key in [.down, .down, .space, .down] { _ = model.handle(key) }
        return model
    }

    func selectedLine(_ model: AppModel, _ canvas: Canvas) -> Int? {
        (0..<canvas.rows).first { canvas[0, $0].text == "▶" }
    }

    /// The selected row: a bold marker and reverse video over its name only; its icon keeps its colour and the
    /// rest of the row its styles.
    func testTheSelectionMarksTheNameNotTheWholeRow() throws {
        let model = try Self.openTree()
        _ = model.handle(.down)
        let canvas = Screens.render(model)
        let y = try XCTUnwrap(selectedLine(model, canvas))
        XCTAssertEqual(canvas[0, y].style, .marker)
        let reversed = (0..<canvas.cols).filter { canvas[$0, y].style == .selected }
        let text = reversed.map { canvas[$0, y].text }.joined()
        XCTAssertEqual(text, "check-connection", canvas.lines[y])
        XCTAssertEqual(reversed, Array(reversed.first!...reversed.last!), "one span")
        let icon = try XCTUnwrap((1..<canvas.cols).first { ["✔", "✖"].contains(canvas[$0, y].text) })
        XCTAssertNotEqual(canvas[icon, y].style, .selected)
        XCTAssertNotEqual(canvas[canvas.cols - 1, y].style, .selected, "not padded to the right edge")
    }

    /// One ↓ or ↑ sends at most 300 bytes: the old and new names and markers, and what changed in the pane; never
    /// the rest of either row (the pod name of the new row is not sent again), never a clear.
    func testMovingTheSelectionSendsOnlyWhatChanged() throws {
        let model = try Self.openTree()
        let path = NSTemporaryDirectory() + "argotop-selection-\(getpid()).out"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let terminal = try XCTUnwrap(RecordedTerminal(term: "xterm-256color", cols: 160, rows: 50, path: path))
        defer { terminal.close() }
        let first = terminal.paint(Screens.render(model))
        XCTAssertGreaterThan(first.count, 1000, "the first frame draws the whole screen")
        XCTAssertTrue(terminal.paint(Screens.render(model)).isEmpty, "an unchanged frame sends nothing")
        var pods = 0
        for key: Key in [.down, .down, .down, .down, .down, .up, .up] {
            _ = model.handle(key)
            let canvas = Screens.render(model)
            let sent = terminal.paint(canvas)
            let y = try XCTUnwrap(selectedLine(model, canvas))
            let line = canvas.lines[y]
            let shown = String(decoding: sent, as: UTF8.self)
            XCTAssertLessThanOrEqual(sent.count, 300, "\(key) on \(line): \(shown.debugDescription)")
            XCTAssertFalse(shown.contains("\u{1B}[2J"), "no clear")
            // A step's pod name ends with a number found nowhere else on screen: it must not be sent again.
            if let pod = line.split(separator: " ").first(where: { $0.hasPrefix("sel-400-") }) {
                let hash = String(pod.split(separator: "-").last!)
                XCTAssertFalse(shown.contains(hash), "\(key): the selected row's pod name was sent again: \(shown.debugDescription)")
                pods += 1
            }
            let name = try XCTUnwrap(line.dropFirst().split(separator: " ").first { $0.first?.isLetter == true })
            XCTAssertTrue(shown.contains(name), "\(key): the new selection's name is drawn: \(shown.debugDescription)")
        }
        XCTAssertGreaterThan(pods, 3, "most moves land on steps with a pod")
    }
}
