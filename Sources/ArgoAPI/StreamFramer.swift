import Foundation

/// One unit of a stream as framed on the wire: a whole message (the JSON text of one `{"result":…}` or
/// `{"error":…}`), or a keep-alive. `bytes` is how many raw bytes of the stream it took.
public enum StreamFrame: Equatable, Sendable {
    case message(Data, bytes: Int)
    case keepAlive(bytes: Int)
}

/// The framing of Argo Server's streams, incremental: bytes in as they arrive (split anywhere), whole
/// messages out; a partial line waits for the rest. Both framings are read, even mixed:
/// - one JSON message a line (`{"result":…}` then `\n`);
/// - server-sent events: `data: …` lines (several join with `\n`) and a blank line that ends the event;
///   `:` lines are keep-alive comments; `event:`, `id:`, `retry:` carry nothing argotop needs.
/// Lines may end in CRLF. `finish()` gives what the last, unterminated line and event held.
public struct StreamFramer: Sendable {
    private var buffer: [UInt8] = []
    /// Bytes at the start of `buffer` already searched for a newline.
    private var scanned = 0
    private var eventData: [UInt8] = []
    private var hasEventData = false
    /// Raw bytes consumed since the last frame was given out (they count towards the next one).
    private var uncounted = 0
    /// Every line is one message, blank or not (a Kubernetes pod log: plain text, no events, no keep-alives).
    private let plain: Bool

    public init(plainLines: Bool = false) {
        plain = plainLines
    }

    /// Bytes of a line not yet complete.
    public var pendingBytes: Int { buffer.count }

    /// Takes the next bytes of the stream and returns the frames they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [StreamFrame] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [StreamFrame] = []
        var start = 0
        var index = scanned
        while index < buffer.count {
            if buffer[index] == 10 {
                take(buffer[start..<index], rawLength: index + 1 - start, into: &frames)
                start = index + 1
            }
            index += 1
        }
        if start > 0 { buffer.removeFirst(start) }
        scanned = buffer.count
        return frames
    }

    /// The end of the stream: the last line without a newline, and an event without its blank line.
    public mutating func finish() -> [StreamFrame] {
        var frames: [StreamFrame] = []
        if !buffer.isEmpty {
            let line = buffer
            buffer.removeAll()
            scanned = 0
            take(line[...], rawLength: line.count, into: &frames)
        }
        flushEvent(into: &frames)
        return frames
    }

    private mutating func take(_ raw: ArraySlice<UInt8>, rawLength: Int, into frames: inout [StreamFrame]) {
        uncounted += rawLength
        var line = raw
        if line.last == 13 { line = line.dropLast() }
        if plain {
            frames.append(.message(Data(line), bytes: uncounted))
            uncounted = 0
            return
        }
        if line.allSatisfy({ $0 == 32 || $0 == 9 }) {
            flushEvent(into: &frames)  // a blank line ends a server-sent event
            return
        }
        if line.first == UInt8(ascii: ":") {
            frames.append(.keepAlive(bytes: uncounted))
            uncounted = 0
            return
        }
        if let field = StreamFramer.sseField(line) {
            if field.name == "data" {
                if hasEventData { eventData.append(10) }
                eventData += field.value
                hasEventData = true
            }
            return
        }
        flushEvent(into: &frames)
        frames.append(.message(Data(line), bytes: uncounted))
        uncounted = 0
    }

    private mutating func flushEvent(into frames: inout [StreamFrame]) {
        guard hasEventData else { return }
        frames.append(.message(Data(eventData), bytes: uncounted))
        uncounted = 0
        eventData.removeAll(keepingCapacity: true)
        hasEventData = false
    }

    /// `name: value` of a server-sent event line, for the field names SSE defines.
    private static func sseField(_ line: ArraySlice<UInt8>) -> (name: String, value: ArraySlice<UInt8>)? {
        for (name, prefix) in fieldPrefixes where line.starts(with: prefix) {
            var value = line.dropFirst(prefix.count)
            if value.first == 32 { value = value.dropFirst() }
            return (name, value)
        }
        return nil
    }

    private static let fieldPrefixes: [(String, [UInt8])] = ["data", "event", "id", "retry"].map {
        ($0, Array($0.utf8) + [UInt8(ascii: ":")])
    }
}

/// One message of a stream: `{"result": R}` or `{"error": {"grpc_code", "http_code", "message"}}`.
public enum StreamEnvelope {
    /// Reads one framed message. A `result` gives the value; an `error` gives the error in words
    /// (`http_code`, else 500); neither gives nil (an empty message); anything not JSON is malformed.
    /// - Parameter number: the message's place in the stream (1-based), for the error's words.
    public static func decode<R: Decodable>(
        _ message: Data, as type: R.Type, namespace: String, number: Int, what: String = "message",
        decoder: JSONDecoder = JSONDecoder()
    ) -> Result<R?, APIError> {
        let envelope: Envelope<R>
        do {
            envelope = try decoder.decode(Envelope<R>.self, from: message)
        } catch DecodingError.dataCorrupted {
            let start = String(decoding: message.prefix(60), as: UTF8.self)
            return .failure(.malformed(detail: "\(what) \(number) is not JSON (\(start))"))
        } catch {
            return .failure(.malformed(detail: "\(what) \(number): \(ArgoClient.describe(error))"))
        }
        if let failure = envelope.error {
            let text = failure.message ?? "the stream failed"
            return .failure(.http(status: failure.httpCode ?? 500, message: text, namespace: namespace))
        }
        return .success(envelope.result)
    }

    struct Envelope<R: Decodable>: Decodable {
        var result: R?
        var error: StreamError?
    }

    struct StreamError: Decodable {
        var message: String?
        var httpCode: Int?
        enum CodingKeys: String, CodingKey {
            case message
            case httpCode = "http_code"
        }
    }
}

/// An RFC 3339 instant to the nanosecond, for comparing log timestamps exactly (a Double cannot hold
/// nanoseconds of today's epoch seconds).
public struct PreciseTime: Comparable, Hashable, Sendable {
    public var seconds: Int64
    public var nanoseconds: Int

    public init(seconds: Int64, nanoseconds: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// `2026-11-28T12:00:00.123456789Z` (any fraction, `Z` or an offset).
    public init?(rfc3339 text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return nil }
        var whole = Array(utf8[0..<19])
        var index = 19
        var nanos = 0
        if utf8[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < utf8.count, utf8[index] >= 48, utf8[index] <= 57 {
                if digits < 9 {
                    nanos = nanos * 10 + Int(utf8[index] - 48)
                    digits += 1
                }
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { nanos *= 10 }
        }
        guard index < utf8.count else { return nil }
        whole += utf8[index...]
        guard let base = Timestamp.parse(String(decoding: whole, as: UTF8.self)) else { return nil }
        seconds = Int64(base)
        nanoseconds = nanos
    }

    public static func < (lhs: PreciseTime, rhs: PreciseTime) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }
}
