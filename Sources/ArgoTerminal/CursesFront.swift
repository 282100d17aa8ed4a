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
    private let painter = CursesPainter()

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
        CursesPainter.configureScreen()
        let env = ProcessInfo.processInfo.environment
        painter.setUpColours(enabled: env["NO_COLOR"] == nil && env["TERM"] != "dumb")
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
                painter.invalidate()
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
        painter.paint(Screens.render(runtime.model))
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
