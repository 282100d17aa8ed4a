import ArgoRender
import CNcurses
import Foundation

/// Copies canvases to the current ncurses screen. Only the cells that differ from the last canvas are handed to
/// ncurses (never an erase or a clear between frames), and ncurses sends the terminal only what differs from what
/// it shows; so a frame costs what changed on screen: a selection move, its two names and markers and the pane.
public final class CursesPainter {
    private var previous: Canvas?
    private var pairs: [Style: Int32] = [:]

    public init() {}

    /// The terminal modes of the front: raw keys, no echo, no newline translation, keypad, no cursor.
    public static func configureScreen() {
        raw()
        noecho()
        nonl()
        keypad(stdscr, true)
        nodelay(stdscr, true)
        set_escdelay(25)
        curs_set(0)
    }

    /// The next canvas is handed over whole (after a resize or a clear).
    public func invalidate() { previous = nil }

    /// Colour pairs for the styles, when the terminal has colours and `enabled` (NO_COLOR and TERM=dumb say no).
    public func setUpColours(enabled: Bool) {
        guard enabled, has_colors() else { return }
        start_color()
        use_default_colors()
        let table: [(Style, Int16, Int16)] = [
            (.title, Int16(COLOR_BLACK), Int16(COLOR_CYAN)), (.ok, Int16(COLOR_GREEN), -1),
            (.failed, Int16(COLOR_RED), -1), (.error, Int16(COLOR_RED), -1), (.running, Int16(COLOR_CYAN), -1),
            (.pending, Int16(COLOR_YELLOW), -1), (.warning, Int16(COLOR_YELLOW), Int16(COLOR_RED)),
            (.keyName, Int16(COLOR_CYAN), -1), (.header, Int16(COLOR_YELLOW), -1),
        ]
        for (index, entry) in table.enumerated() {
            init_pair(Int16(index + 1), entry.1, entry.2)
            pairs[entry.0] = Int32(index + 1)
        }
    }

    /// Hands ncurses the cells that changed since the last canvas, then refreshes the terminal.
    public func paint(_ canvas: Canvas) {
        let full = previous == nil || previous!.cols != canvas.cols || previous!.rows != canvas.rows
        for y in 0..<canvas.rows {
            for x in 0..<canvas.cols {
                let cell = canvas[x, y]
                // The right half of a wide grapheme (whatever its style) belongs to the cell before it.
                if cell.text.isEmpty { continue }
                if !full, previous![x, y] == cell { continue }
                var scalars = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
                if scalars.isEmpty { scalars = [32] }
                _ = argotop_put_cell(Int32(y), Int32(x), &scalars, Int32(scalars.count), attributes(for: cell.style))
            }
        }
        previous = canvas
        refresh()
    }

    func attributes(for style: Style) -> Int32 {
        var attrs: Int32 = 0
        if let pair = pairs[style] { attrs |= argotop_color_pair(pair) }
        switch style {
        case .selected: attrs |= argotop_attr_reverse()
        case .header, .title, .keyName, .failed, .error, .marker: attrs |= argotop_attr_bold()
        case .dim, .skipped: attrs |= argotop_attr_dim()
        default: break
        }
        if style == .title && pairs.isEmpty { attrs |= argotop_attr_reverse() }
        return attrs
    }
}

/// A real ncurses screen whose terminal is a file: exactly what a terminal of that type would be sent, painted
/// the way the front paints. For tests of what a frame costs on the wire.
public final class RecordedTerminal {
    private let screen: OpaquePointer
    private let output: UnsafeMutablePointer<FILE>
    private let input: UnsafeMutablePointer<FILE>
    public let painter = CursesPainter()
    private var closed = false

    /// nil when the file cannot be opened or the terminal type is unknown.
    public init?(term: String, cols: Int, rows: Int, path: String, colours: Bool = true) {
        setlocale(LC_CTYPE, "C.UTF-8")
        guard let output = fopen(path, "w+") else { return nil }
        guard let input = fopen("/dev/null", "r") else {
            fclose(output)
            return nil
        }
        guard let screen = newterm(term, output, input) else {
            fclose(output)
            fclose(input)
            return nil
        }
        self.output = output
        self.input = input
        self.screen = screen
        _ = set_term(screen)
        CursesPainter.configureScreen()
        resizeterm(Int32(rows), Int32(cols))
        painter.setUpColours(enabled: colours)
    }

    /// Bytes sent to the terminal so far.
    public var bytes: Int {
        fflush(output)
        var info = stat()
        return fstat(fileno(output), &info) == 0 ? Int(info.st_size) : 0
    }

    /// Paints a canvas; returns the bytes it sent.
    @discardableResult
    public func paint(_ canvas: Canvas) -> [UInt8] {
        let before = bytes
        _ = set_term(screen)
        painter.paint(canvas)
        let after = bytes
        var sent = [UInt8](repeating: 0, count: after - before)
        _ = sent.withUnsafeMutableBytes { pread(fileno(output), $0.baseAddress, after - before, off_t(before)) }
        return sent
    }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = set_term(screen)
        endwin()
        delscreen(screen)
        fclose(output)
        fclose(input)
    }

    deinit { close() }
}
