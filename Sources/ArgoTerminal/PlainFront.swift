import ArgoRender
import ArgoViewModel
import Foundation

nonisolated(unsafe) private var plainStop: Int32 = 0

/// The front for terminals that cannot move the cursor (`TERM=dumb`): each new frame is printed whole, as
/// plain lines, only when it changed; keys are read byte by byte with echo off.
public final class PlainFront {
    let runtime: Runtime
    let clock: () -> Double
    let cols: Int
    let rows: Int

    public init(runtime: Runtime, clock: @escaping () -> Double, environment: [String: String]) {
        self.runtime = runtime
        self.clock = clock
        var size = winsize()
        let measured = ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 && size.ws_row > 0
        cols = measured ? Int(size.ws_col) : Int(environment["COLUMNS"] ?? "") ?? 80
        rows = measured ? Int(size.ws_row) : Int(environment["LINES"] ?? "") ?? 24
    }

    public func run() {
        var saved = termios()
        let isTerminal = tcgetattr(0, &saved) == 0
        if isTerminal {
            var raw = saved
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
            tcsetattr(0, TCSANOW, &raw)
        }
        defer { if isTerminal { tcsetattr(0, TCSANOW, &saved) } }
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Foundation.signal(signal) { plainStop = $0 }
        }
        runtime.perform(runtime.model.handle(.resize(cols: cols, rows: rows)))
        var last = ""
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: runtime.wakeFD, events: Int16(POLLIN), revents: 0)]
        var pending: [UInt8] = []
        while !runtime.model.quitting && plainStop == 0 {
            runtime.drain()
            runtime.model.now = clock()
            let frame = Screens.render(runtime.model).text
            if frame != last {
                FileHandle.standardOutput.write(Data((String(repeating: "-", count: max(1, cols - 1)) + "\n" + frame + "\n").utf8))
                last = frame
            }
            _ = poll(&fds, 2, 1000)
            if fds[0].revents & Int16(POLLIN) != 0 {
                var byte: UInt8 = 0
                if read(0, &byte, 1) == 1 { pending.append(byte) } else { break }
            }
            while let (key, used) = PlainFront.key(from: pending) {
                pending.removeFirst(used)
                if let key { runtime.key(key) }
            }
        }
    }

    /// The next key in the bytes read so far, with how many bytes it took; nil while a sequence is incomplete.
    static func key(from bytes: [UInt8]) -> (Key?, Int)? {
        guard let first = bytes.first else { return nil }
        switch first {
        case 27:
            guard bytes.count >= 2 else { return (Key.esc, 1) }
            guard bytes[1] == UInt8(ascii: "["), bytes.count >= 3 else { return (Key.esc, 1) }
            switch bytes[2] {
            case UInt8(ascii: "A"): return (.up, 3)
            case UInt8(ascii: "B"): return (.down, 3)
            case UInt8(ascii: "C"): return (.right, 3)
            case UInt8(ascii: "D"): return (.left, 3)
            default: return (nil, 3)
            }
        case 10, 13: return (.enter, 1)
        case 32: return (.space, 1)
        case 3: return (.ctrlC, 1)
        case 8, 127: return (.backspace, 1)
        case 0x21...0x7E: return (.char(Character(UnicodeScalar(first))), 1)
        default: return (nil, 1)
        }
    }
}
