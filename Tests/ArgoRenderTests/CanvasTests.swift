import ArgoViewModel
import XCTest

@testable import ArgoRender

final class CanvasTests: XCTestCase {
    func testEscapeSequencesBecomeVisiblePlaceholders() {
        let hostile = "a\u{1B}[2Jb\u{1B}]0;pwned\u{07}c\u{9B}d\u{202E}e\r\nf\u{7F}"
        let clean = DisplayText.sanitize(hostile)
        XCTAssertEqual(clean, "a␛[2Jb␛]0;pwned␇c\u{FFFD}d\u{FFFD}e␍␤f␡")
        for scalar in clean.unicodeScalars {
            XCTAssertFalse(scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value))
        }
        var canvas = Canvas(cols: 40, rows: 1)
        canvas.put(hostile, x: 0, y: 0)
        XCTAssertFalse(canvas.text.unicodeScalars.contains { $0.value == 0x1B })
        XCTAssertTrue(canvas.text.hasPrefix("a␛[2Jb"))
    }

    /// Printable ASCII takes a byte-a-cell path (checked eight bytes at a time): every other byte, at every
    /// place of a long word, sends the text the grapheme way, and both ways draw alike.
    func testPrintableASCIIIsFoundAtEveryPlaceAndDrawnAlike() {
        for byte in UInt8(0)...0x7F {
            for at in 0..<20 {
                var bytes = [UInt8](repeating: UInt8(ascii: "k"), count: 20)
                bytes[at] = byte
                let text = String(decoding: bytes, as: UTF8.self)
                let printable = byte >= 0x20 && byte < 0x7F
                XCTAssertEqual(DisplayText.isPrintableASCII(text), printable, "byte \(byte) at \(at)")
                XCTAssertEqual(DisplayText.sanitize(text) == text, printable, "byte \(byte) at \(at)")
            }
        }
        XCTAssertFalse(DisplayText.isPrintableASCII("abcdefghijklmn\u{E9}"))
        XCTAssertFalse(DisplayText.isPrintableASCII("abcdefgh\u{85}"))
        XCTAssertEqual(DisplayText.width("step-name(12:db-042)"), 20)
        // Clipped on the left (x < 0) and at a limit, in a style: the cells the text covers, nothing else.
        let text = "audit(3:db-07)"
        for x in -3...12 {
            for limit in [nil, 9, 20] {
                var canvas = Canvas(cols: 16, rows: 2)
                let end = canvas.put(text, x: x, y: 1, style: .failed, limit: limit)
                let stop = min(16, limit ?? 16)
                XCTAssertEqual(end, min(x + text.count, max(x, stop)), "x \(x) limit \(String(describing: limit))")
                for column in 0..<16 {
                    let i = column - x
                    let inside = i >= 0 && i < text.count && column < stop
                    let expected = inside ? Cell(text: String(Array(text)[i]), style: .failed) : .blank
                    XCTAssertEqual(canvas[column, 1], expected, "x \(x) column \(column)")
                    XCTAssertEqual(canvas[column, 0], .blank)
                }
            }
        }
    }

    func testSafeTextIsUntouched() {
        XCTAssertEqual(DisplayText.sanitize("audit(3:orders-db) ✔ 数据库"), "audit(3:orders-db) ✔ 数据库")
    }

    func testWideCharactersTakeTwoColumnsAndAreNeverSplit() {
        XCTAssertEqual(DisplayText.width("数据"), 4)
        XCTAssertEqual(DisplayText.width("e\u{301}"), 1)
        XCTAssertEqual(DisplayText.width("🚀"), 2)
        var canvas = Canvas(cols: 5, rows: 1)
        let end = canvas.put("ab数据", x: 0, y: 0)
        XCTAssertEqual(end, 5)
        XCTAssertEqual(canvas.lines, ["ab数"], "the second wide glyph does not fit and is padded, not split")
        XCTAssertEqual(canvas[3, 0], .continuation)
    }

    func testTruncateByColumns() {
        XCTAssertEqual(DisplayText.truncate("workflow-name", to: 8), "workflo…")
        XCTAssertEqual(DisplayText.truncate("数据数据", to: 5), "数据…")
        XCTAssertEqual(DisplayText.truncate("short", to: 8), "short")
    }

    func testFormats() {
        XCTAssertEqual(Format.duration(42), "42s")
        XCTAssertEqual(Format.duration(303), "5m03s")
        XCTAssertEqual(Format.duration(7500), "2h05m")
        XCTAssertEqual(Format.duration(3 * 86400 + 4 * 3600), "3d4h")
        XCTAssertEqual(Format.age(7200), "2h")
        XCTAssertEqual(Format.count(1250), "1,250")
    }

    func testPhaseIcons() {
        XCTAssertEqual(PhaseLook.of(phase: "Failed", ascii: false).icon, "✖")
        XCTAssertEqual(PhaseLook.of(phase: "Succeeded", ascii: false).style, .ok)
        XCTAssertEqual(PhaseLook.of(phase: "Running", type: "Suspend", ascii: false).icon, "ǁ")
        for phase in ["Succeeded", "Failed", "Error", "Running", "Pending", "Skipped", "Omitted", ""] {
            XCTAssertTrue(PhaseLook.of(phase: phase, ascii: true).icon.unicodeScalars.allSatisfy { $0.isASCII })
        }
    }

    /// The selection's span: a row's first field, after dim guides, up to a gap of two blanks, within a range.
    func testFirstFieldSkipsGuidesAndStopsAtAGap() {
        var canvas = Canvas(cols: 40, rows: 1)
        var x = canvas.put(" ├─", x: 0, y: 0, style: .dim)
        x = canvas.put("✔", x: x, y: 0, style: .ok)
        canvas.put(" dump schema [+3]   template", x: x, y: 0)
        XCTAssertEqual(canvas.firstField(y: 0, within: 1..<40), 3..<21, "from the icon when the range starts before it")
        XCTAssertEqual(canvas.firstField(y: 0, within: 4..<40), 5..<21, "single blanks join words; two end the field")
        XCTAssertEqual(canvas.firstField(y: 0, within: 4..<14), 5..<14, "clipped to the range")
        XCTAssertNil(canvas.firstField(y: 0, within: 21..<24))
        XCTAssertNil(canvas.firstField(y: 3, within: 0..<40))
    }
}
