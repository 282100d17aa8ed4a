@testable import ArgoAPI
import Foundation
import XCTest

@testable import ArgoRender
@testable import ArgoViewModel

/// Hostile log lines on the log screen: colour codes dropped, every other escape and control shown as a
/// placeholder, invalid UTF-8 replaced, wide characters in two cells, a 1 MB line cut (or wrapped) quickly.
final class LogScreenTests: XCTestCase {
    func model(lines: [String], cols: Int = 60, rows: Int = 12, wrap: Bool = false) -> AppModel {
        let model = AppModel(server: "t", namespace: "argo", now: 0)
        _ = model.handle(.resize(cols: cols, rows: rows))
        let source = LogSource(nodeID: "n", podName: "pod-1", label: "step", follow: false, archivedLog: false)
        var state = LogViewState(id: 1, title: "log of step", arrangement: .single, sources: [source], maxLines: 1000)
        state.add(lines.map { LogLine(content: $0, source: 0) }, from: 0)
        state.follow = false
        state.wrap = wrap
        model.logs = state
        model.views = [.workflows, .workflow, .logs]
        return model
    }

    static let invalidUTF8 = String(decoding: [0x6F, 0x6B, 0xFF, 0xFE, 0x21] as [UInt8], as: UTF8.self)

    func testHostileLinesNeverReachTheTerminalRaw() {
        let hostile = [
            "\u{1B}[31mred\u{1B}[0m plain",                     // colour: dropped
            "clear\u{1B}[2J screen\u{1B}[H home",               // cursor and erase: placeholders
            "bell\u{07} title\u{1B}]0;pwned\u{07} clip\u{1B}]52;c;aGk=\u{07}",  // BEL, OSC title, OSC 52 clipboard
            Self.invalidUTF8,
            "漢字のログ行 wide",
            "c1\u{9B}31m csi and \u{202E}bidi",
        ]
        let canvas = Screens.render(model(lines: hostile))
        for scalar in canvas.text.unicodeScalars {
            XCTAssertFalse(scalar.value < 0x20 && scalar.value != 0x0A, "a control character reached the screen: \(scalar.value)")
            XCTAssertFalse(scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) || scalar.value == 0x202E)
        }
        let lines = canvas.lines
        XCTAssertTrue(lines.contains { $0.contains("red plain") }, "colour codes are dropped, the text stays")
        XCTAssertTrue(lines.contains { $0.contains("clear␛[2J screen␛[H home") })
        XCTAssertTrue(lines.contains { $0.contains("bell␇ title␛]0;pwned␇ clip␛]52;c;aGk=␇") })
        XCTAssertTrue(lines.contains { $0.contains("ok\u{FFFD}\u{FFFD}!") })
        // Wide characters take two cells: the continuation cell holds nothing.
        let y = lines.firstIndex { $0.contains("漢字") }!
        XCTAssertEqual(canvas[1, y].text, "漢")
        XCTAssertEqual(canvas[2, y].text, "")
        XCTAssertEqual(canvas[3, y].text, "字")
    }

    func testAOneMegabyteLineIsCutOrWrappedWithoutFreezing() {
        let huge = String(repeating: "0123456789", count: 100_000)
        for wrap in [false, true] {
            let started = Date()
            let canvas = Screens.render(model(lines: ["before", huge, "after"], wrap: wrap))
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, "rendering a 1 MB line takes a screenful of work")
            let lines = canvas.lines
            XCTAssertEqual(lines.count, 12)
            XCTAssertTrue(lines.allSatisfy { $0.count <= 60 })
            XCTAssertTrue(lines.contains { $0.contains("0123456789") })
            if wrap {
                XCTAssertGreaterThan(lines.filter { $0.contains("0123456789") }.count, 3, "wrapped over several rows")
                XCTAssertFalse(lines.contains { $0.contains("after") }, "the huge line fills the screen below it")
            } else {
                XCTAssertTrue(lines.contains { $0.contains("after") })
            }
        }
    }
}
