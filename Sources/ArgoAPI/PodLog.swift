import Foundation

/// The lines of one container's log, as `GET /api/v1/workflows/{ns}/{name}/log` sends them.
public struct PodLog: Sendable, Equatable {
    /// The lines in order, as the server sent them (with a timestamp in front when they were asked for).
    public var lines: [String]
    /// The pod the lines came from, as the messages name it (nil when there were none).
    public var podName: String?

    public init(lines: [String], podName: String? = nil) {
        self.lines = lines
        self.podName = podName
    }

    /// Reads a log answer in either framing: one JSON message a line (`{"result":{"content":…}}`), or
    /// server-sent events (`data: {…}` then a blank line; `:` lines are keep-alives). An error message in
    /// the stream (`{"error":{"message":…}}`) becomes the error.
    public static func parse(_ body: Data, namespace: String = "") -> Result<PodLog, APIError> {
        var log = PodLog(lines: [])
        let decoder = JSONDecoder()
        var pendingData: [UInt8] = []
        var hasPendingData = false
        var messageNumber = 0

        func handle(_ message: [UInt8]) -> APIError? {
            messageNumber += 1
            let envelope: Envelope
            do {
                envelope = try decoder.decode(Envelope.self, from: Data(message))
            } catch {
                let start = String(decoding: message.prefix(60), as: UTF8.self)
                return .malformed(detail: "log message \(messageNumber) is not JSON (\(start))")
            }
            if let failure = envelope.error {
                let text = failure.message ?? "the log stream failed"
                return .http(status: failure.httpCode ?? 500, message: text, namespace: namespace)
            }
            if let entry = envelope.result {
                log.lines.append(entry.content ?? "")
                if let pod = entry.podName, !pod.isEmpty { log.podName = pod }
            }
            return nil
        }

        func flush() -> APIError? {
            guard hasPendingData else { return nil }
            defer {
                pendingData.removeAll(keepingCapacity: true)
                hasPendingData = false
            }
            return handle(pendingData)
        }

        let bytes = [UInt8](body)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            var line = bytes[start..<end]
            if line.last == 13 { line = line.dropLast() }
            start = end + 1
            if line.allSatisfy({ $0 == 32 || $0 == 9 }) {
                // A blank line ends a server-sent event.
                if let error = flush() { return .failure(error) }
                continue
            }
            if line.first == UInt8(ascii: ":") { continue }  // keep-alive comment
            if let field = sseField(line) {
                if field.name == "data" {
                    if hasPendingData { pendingData.append(10) }
                    pendingData += field.value
                    hasPendingData = true
                }
                continue  // event:, id:, retry: carry nothing argotop needs
            }
            if let error = flush() { return .failure(error) }
            if let error = handle(Array(line)) { return .failure(error) }
        }
        if let error = flush() { return .failure(error) }
        return .success(log)
    }

    /// Reads a raw log answer: HTML from a proxy is said to be so; anything else is parsed.
    static func decode(_ response: HTTPResponse, namespace: String) -> Result<PodLog, APIError> {
        let first = response.body.first(where: { !($0 == 32 || $0 == 10 || $0 == 13 || $0 == 9) })
        if response.contentType.contains("text/html") || first == UInt8(ascii: "<") {
            return .failure(.notJSON(status: response.status, contentType: response.contentType))
        }
        return parse(response.body, namespace: namespace)
    }

    /// `name: value` of a server-sent event line, for the field names SSE defines.
    private static func sseField(_ line: ArraySlice<UInt8>) -> (name: String, value: ArraySlice<UInt8>)? {
        for name in ["data", "event", "id", "retry"] {
            let prefix = Array(name.utf8) + [UInt8(ascii: ":")]
            if line.starts(with: prefix) {
                var value = line.dropFirst(prefix.count)
                if value.first == 32 { value = value.dropFirst() }
                return (name, value)
            }
        }
        return nil
    }

    private struct Envelope: Decodable {
        var result: Entry?
        var error: StreamError?
    }

    private struct Entry: Decodable {
        var content: String?
        var podName: String?
    }

    private struct StreamError: Decodable {
        var message: String?
        var httpCode: Int?
        enum CodingKeys: String, CodingKey {
            case message
            case httpCode = "http_code"
        }
    }
}
