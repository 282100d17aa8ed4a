import XCTest

@testable import ArgoViewModel

/// The timeline's scale and bars at 80 and 120 columns.
final class TimelineTests: XCTestCase {
    let hour = TimeWindow(start: 1000, span: 3600)

    func testScaleAt80Columns() {
        // 10 minutes a tick: 3600 s over 80 columns leaves 13 or 14 columns between ticks; the 1h tick does not fit.
        let scale = Timeline.scale(window: hour, origin: 1000, width: 80)
        XCTAssertEqual(scale.count, 80)
        XCTAssertEqual(scale, "╷0           ╷10m         ╷20m          ╷30m         ╷40m         ╷50m          ")
    }

    func testScaleAt120Columns() {
        let scale = Timeline.scale(window: hour, origin: 1000, width: 120)
        XCTAssertEqual(scale.count, 120)
        XCTAssertEqual(scale, "╷0        ╷5m       ╷10m      ╷15m      ╷20m      ╷25m      ╷30m      ╷35m      ╷40m      ╷45m      ╷50m      ╷55m      ")
    }

    func testScaleOfAZoomedWindowCountsFromTheRunStart() {
        // Zoomed on minutes 20 to 30 of the run: a tick a minute would leave 8 columns, so every 2 minutes,
        // labelled from the run's start.
        let window = TimeWindow(start: 1000 + 1200, span: 600)
        XCTAssertEqual(Timeline.scale(window: window, origin: 1000, width: 80, ascii: true),
            "|20m            |22m            |24m            |26m            |28m            ")
        XCTAssertEqual(Timeline.label(5400), "1h30m")
        XCTAssertEqual(Timeline.label(90), "1m30s")
    }

    func testBars() {
        let window = TimeWindow(start: 0, span: 100)
        XCTAssertEqual(Timeline.bar(from: 10, to: 20, window: window, width: 80), 8..<16)
        XCTAssertEqual(Timeline.bar(from: 10, to: 20, window: window, width: 120), 12..<24)
        XCTAssertEqual(Timeline.bar(from: 50, to: 50.1, window: window, width: 80), 40..<41, "a short step still shows")
        XCTAssertEqual(Timeline.bar(from: -10, to: 200, window: window, width: 80), 0..<80)
        XCTAssertNil(Timeline.bar(from: 101, to: 200, window: window, width: 80))
        XCTAssertEqual(Timeline.bar(from: 99.9, to: 100, window: window, width: 120), 119..<120)
    }

    func testZoomAndPanStayInsideTheRun() {
        var state = TimelineState()
        XCTAssertEqual(Timeline.window(start: 0, end: 400, state: state), TimeWindow(start: 0, span: 400))
        state.zoom = 4
        state.offset = 1000
        XCTAssertEqual(Timeline.window(start: 0, end: 400, state: state), TimeWindow(start: 300, span: 100))
    }
}
