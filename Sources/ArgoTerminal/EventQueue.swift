import Foundation

/// Results posted from background threads to the UI loop. The UI thread waits on it (headless) or polls
/// its pipe beside the keyboard (ncurses), so it never waits on the network itself.
final class EventQueue<Event>: @unchecked Sendable {
    private let condition = NSCondition()
    private var events: [Event] = []
    /// Readable end becomes ready whenever an event is posted.
    let wakeFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [0, 0]
        pipe(&fds)
        wakeFD = fds[0]
        writeFD = fds[1]
        _ = fcntl(wakeFD, F_SETFL, fcntl(wakeFD, F_GETFL) | O_NONBLOCK)
        _ = fcntl(writeFD, F_SETFL, fcntl(writeFD, F_GETFL) | O_NONBLOCK)
    }

    deinit {
        close(wakeFD)
        close(writeFD)
    }

    func post(_ event: Event) {
        condition.lock()
        events.append(event)
        condition.signal()
        condition.unlock()
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Takes every queued event, waiting up to `timeout` seconds for the first one.
    func take(waiting timeout: Double) -> [Event] {
        condition.lock()
        defer { condition.unlock() }
        if events.isEmpty && timeout > 0 {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
        let taken = events
        events.removeAll()
        var scratch = [UInt8](repeating: 0, count: 256)
        while read(wakeFD, &scratch, scratch.count) > 0 {}
        return taken
    }
}
