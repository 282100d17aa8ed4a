import Foundation

/// One finished transfer as `--debug` writes it. It holds no header, no token and no query value: only
/// the path and the names of the query's parameters.
public struct TransferRecord: Equatable, Sendable {
    /// When the transfer ended, in seconds since 1970.
    public var time: Double
    /// `list`, `get`, `watch`, `log`, `artifact` or `other`.
    public var endpoint: String
    public var method: String
    /// The URL's path, without its query.
    public var path: String
    public var queryKeys: [String]
    /// Nil when no HTTP status came back.
    public var status: Int?
    public var error: String?
    /// `new` when this transfer opened a connection, `reused` when it rode an open one, `none` when it
    /// never got one.
    public var connection: String
    public var timeToHeadersMs: Double
    public var totalMs: Double
    public var bytes: Int

    public init(
        time: Double, method: String, basePath: String = "", requestPath: String, status: Int?, error: String?,
        connection: String, timeToHeadersMs: Double, totalMs: Double, bytes: Int
    ) {
        let (path, keys) = TransferRecord.split(requestPath)
        self.time = time
        self.endpoint = TransferRecord.endpoint(ofPath: path)
        self.method = method
        self.path = basePath + path
        self.queryKeys = keys
        self.status = status
        self.error = error
        self.connection = connection
        self.timeToHeadersMs = timeToHeadersMs
        self.totalMs = totalMs
        self.bytes = bytes
    }

    /// The path without its query, and the query's parameter names (percent-decoded), in order.
    public static func split(_ pathAndQuery: String) -> (path: String, queryKeys: [String]) {
        guard let mark = pathAndQuery.firstIndex(of: "?") else { return (pathAndQuery, []) }
        let query = pathAndQuery[pathAndQuery.index(after: mark)...]
        let keys = query.split(separator: "&").compactMap { pair -> String? in
            let key = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return key.isEmpty ? nil : (key.removingPercentEncoding ?? key)
        }
        return (String(pathAndQuery[..<mark]), keys)
    }

    /// Names the Argo Server endpoint a path (relative to the server's base, without query) belongs to.
    public static func endpoint(ofPath path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        if parts.starts(with: ["api", "v1", "workflow-events"]) { return "watch" }
        if parts.first == "artifact-files" || parts.first == "artifacts" { return "artifact" }
        guard parts.starts(with: ["api", "v1", "workflows"]) else { return "other" }
        switch parts.count {
        case 3, 4: return "list"
        case 5: return "get"
        case 6 where parts[5] == "log": return "log"
        default: return "other"
        }
    }

    /// The record as one line of JSON, its keys in a fixed order.
    public var jsonLine: String {
        func text(_ value: String?) -> String { value.map(TransferRecord.quoted) ?? "null" }
        let fields: [(String, String)] = [
            ("time", text(TransferRecord.rfc3339Milliseconds(time))),
            ("endpoint", text(endpoint)),
            ("method", text(method)),
            ("path", text(path)),
            ("query_keys", "[" + queryKeys.map(TransferRecord.quoted).joined(separator: ",") + "]"),
            ("status", status.map(String.init) ?? "null"),
            ("error", text(error)),
            ("connection", text(connection)),
            ("time_to_headers_ms", TransferRecord.milliseconds(timeToHeadersMs)),
            ("total_ms", TransferRecord.milliseconds(totalMs)),
            ("bytes", String(bytes)),
        ]
        return "{" + fields.map { TransferRecord.quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func milliseconds(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "0" }
        return String(format: "%.1f", value)
    }

    static func rfc3339Milliseconds(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        var millis = Int(((seconds - whole) * 1000).rounded(.down))
        millis = min(999, max(0, millis))
        let stamp = Timestamp(seconds: whole).rfc3339
        return String(stamp.dropLast()) + "." + String(millis).leftPadded(to: 3) + "Z"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// The `--debug` file: one JSON line per finished transfer, appended. Written from libcurl's worker
/// thread, never the UI's.
public final class TransferLog: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    /// Opens (or creates, private to the user) `path` for appending.
    public init(path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw UsageError("cannot open the debug file \(path): \(String(cString: strerror(errno)))")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    public func write(_ record: TransferRecord) {
        let line = Data((record.jsonLine + "\n").utf8)
        lock.lock()
        defer { lock.unlock() }
        // A full disk must not take the program down: the line is lost.
        try? handle.write(contentsOf: line)
    }
}
