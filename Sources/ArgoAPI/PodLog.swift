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
        var framer = StreamFramer()
        let decoder = JSONDecoder()
        var number = 0
        for frame in framer.feed(body) + framer.finish() {
            guard case .message(let message, _) = frame else { continue }
            number += 1
            switch StreamEnvelope.decode(message, as: Entry.self, namespace: namespace, number: number, what: "log message", decoder: decoder) {
            case .failure(let error): return .failure(error)
            case .success(nil): continue
            case .success(let entry?):
                log.lines.append(entry.content ?? "")
                if let pod = entry.podName, !pod.isEmpty { log.podName = pod }
            }
        }
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

    /// A log from the Kubernetes API: plain text, a line each (CRLF read as a line end; a final newline makes
    /// no empty last line). HTML from a proxy is said to be so.
    static func decodePlain(_ response: HTTPResponse, podName: String) -> Result<PodLog, APIError> {
        if response.contentType.contains("text/html") {
            return .failure(.notJSON(status: response.status, contentType: response.contentType))
        }
        var text = String(decoding: response.body, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.isEmpty { return .success(PodLog(lines: [], podName: podName)) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        return .success(PodLog(lines: lines, podName: podName))
    }

    struct Entry: Decodable {
        var content: String?
        var podName: String?
    }
}
