/// How the workflow view draws its rows: the tree, or the timeline (`t`); keys can belong to one of them.
public enum TreeMode: Sendable { case tree, timeline }

/// The timeline (`t`): the tree's rows with a bar each from start to finish, scaled to the screen's width.
public struct TimelineState: Equatable, Sendable {
    public var on = false
    /// 1 shows the whole run; each `+` doubles it.
    public var zoom = 1.0
    /// Seconds from the run's start to the left edge.
    public var offset = 0.0
    public init() {}
}

/// A window of time on screen.
public struct TimeWindow: Equatable, Sendable {
    public var start: Double
    public var span: Double
    public init(start: Double, span: Double) {
        self.start = start
        self.span = span
    }
}

public enum Timeline {
    /// The time shown: the run from `start` to `end` (now while it runs), zoomed and panned.
    public static func window(start: Double, end: Double, state: TimelineState) -> TimeWindow {
        let total = max(1, end - start)
        let span = total / max(1, state.zoom)
        let offset = max(0, min(state.offset, total - span))
        return TimeWindow(start: start + offset, span: span)
    }

    /// The columns of a bar from `from` to `to` in an area `width` columns wide; at least one column, so that
    /// a short step shows; nil when it lies outside the window.
    public static func bar(from: Double, to: Double, window: TimeWindow, width: Int) -> Range<Int>? {
        guard width > 0, to >= window.start, from <= window.start + window.span else { return nil }
        let scale = Double(width) / window.span
        let a = max(0, min(width - 1, Int(((from - window.start) * scale).rounded(.down))))
        let b = max(a + 1, min(width, Int(((to - window.start) * scale).rounded(.up))))
        return a..<b
    }

    /// The column of a moment, or nil when it is off the window.
    public static func column(of time: Double, window: TimeWindow, width: Int) -> Int? {
        guard time >= window.start, time <= window.start + window.span, width > 0 else { return nil }
        return min(width - 1, Int(((time - window.start) * Double(width) / window.span).rounded(.down)))
    }

    static let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]

    /// Seconds between ticks: the smallest round step that leaves at least 10 columns between labels.
    public static func tickStep(span: Double, width: Int) -> Double {
        let wanted = span * 10 / Double(max(1, width))
        return steps.first { $0 >= wanted } ?? (wanted / 86400).rounded(.up) * 86400
    }

    /// `0`, `45s`, `5m`, `1h30m`, `2d`: a tick's time since the run's start.
    public static func label(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s == 0 { return "0" }
        if s % 86400 == 0 { return "\(s / 86400)d" }
        if s % 3600 == 0 { return "\(s / 3600)h" }
        if s >= 3600 { return "\(s / 3600)h\(String((s % 3600) / 60).leftPadded(to: 2))m" }
        if s % 60 == 0 { return "\(s / 60)m" }
        if s >= 60 { return "\(s / 60)m\(String(s % 60).leftPadded(to: 2))s" }
        return "\(s)s"
    }

    /// The scale above the bars: a tick mark and the time since `origin` at each round step, `width` columns.
    public static func scale(window: TimeWindow, origin: Double, width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        var line = [Character](repeating: " ", count: width)
        let step = tickStep(span: window.span, width: width)
        var tick = ((window.start - origin) / step).rounded(.up) * step
        while origin + tick <= window.start + window.span {
            if let x = column(of: origin + tick, window: window, width: width) {
                let text = (ascii ? "|" : "╷") + label(tick)
                if x + text.count <= width, x == 0 || line[x - 1] == " " {
                    for (i, c) in text.enumerated() { line[x + i] = c }
                }
            }
            tick += step
        }
        return String(line)
    }
}
