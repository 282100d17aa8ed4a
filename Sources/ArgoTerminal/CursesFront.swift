import ArgoRender
import ArgoViewModel
import CNcurses
import Foundation

/// Set from signal handlers; the input loop sees it and leaves cleanly.
nonisolated(unsafe) private var stopSignal: Int32 = 0
nonisolated(unsafe) private var cursesActive = false

/// The interactive front: ncurses on the real terminal, woken by the keyboard or by the network's results.
public final class CursesFront {
    let runtime: Runtime
    let clock: () -> Double
    private var previous: Canvas?
    private var pairs: [Style: Int32] = [:]

    public init(runtime: Runtime, clock: @escaping () -> Double) {
        self.runtime = runtime
        self.clock = clock
    }

    /// Runs until the user quits or a signal asks to stop. The terminal is restored on every way out.
    public func run() {
        argotop_set_locale()
        installSignalHandlers()
        initscr()
        cursesActive = true
        defer { restoreTerminal() }
        raw()
        noecho()
        nonl()
        keypad(stdscr, true)
        nodelay(stdscr, true)
        set_escdelay(25)
        curs_set(0)
        setUpColours()
        runtime.perform(runtime.model.handle(.resize(cols: Int(argotop_cols()), rows: Int(argotop_rows()))))
        draw()

        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: runtime.wakeFD, events: Int16(POLLIN), revents: 0)]
        while !runtime.model.quitting && stopSignal == 0 {
            _ = poll(&fds, 2, 1000)
            readKeys()
            runtime.drain()
            runtime.model.now = clock()
            draw()
        }
    }

    private func readKeys() {
        var code: Int32 = 0
        while true {
            let status = argotop_get_key(&code)
            if status == argotop_err() { return }
            guard let key = translate(status: status, code: code) else { continue }
            runtime.key(key)
            if runtime.model.quitting { return }
        }
    }

    func translate(status: Int32, code: Int32) -> Key? {
        if status == argotop_key_code_yes() {
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_NPAGE: return .pageDown
            case KEY_PPAGE: return .pageUp
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case argotop_key_resize():
                previous = nil
                clear()
                return .resize(cols: Int(argotop_cols()), rows: Int(argotop_rows()))
            default: return nil
            }
        }
        switch code {
        case 10, 13: return .enter
        case 27: return .esc
        case 9: return .tab
        case 8, 127: return .backspace
        case 3: return .ctrlC
        case 32: return .space
        default:
            guard let scalar = Unicode.Scalar(UInt32(bitPattern: code)) else { return nil }
            return .char(Character(scalar))
        }
    }

    private func draw() {
        let canvas = Screens.render(runtime.model)
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

    private func setUpColours() {
        let env = ProcessInfo.processInfo.environment
        guard has_colors(), env["NO_COLOR"] == nil, env["TERM"] != "dumb" else { return }
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

    private func installSignalHandlers() {
        for sig in [SIGTERM, SIGHUP, SIGINT, SIGQUIT] {
            signal(sig) { number in stopSignal = number }
        }
        for sig in [SIGSEGV, SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGABRT] {
            signal(sig) { number in
                if cursesActive { endwin() }
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }

    private func restoreTerminal() {
        if cursesActive {
            endwin()
            cursesActive = false
        }
    }
}
