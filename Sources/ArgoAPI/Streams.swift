import Foundation

/// A handle on a long-lived request (a followed log, a watch). `cancel()` ends it: idempotent, safe from any
/// thread, and it also stops a reconnection that is waiting out its delay.
///
/// After `cancel()` returns, no new event is started; an event whose delivery had already begun on the
/// stream's queue when `cancel()` was called may still finish (best effort: the check happens just before
/// each delivery, not under a lock held across the handler, so a handler may cancel its own stream).
public final class StreamHandle: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var transfer: TransferHandle?

    public init() {}

    public func cancel() {
        lock.lock()
        let current = transfer
        transfer = nil
        cancelled = true
        lock.unlock()
        current?.cancel()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Makes `next` the transfer that `cancel()` ends (nil when none runs); false when already cancelled.
    @discardableResult
    func attach(_ next: TransferHandle?) -> Bool {
        lock.lock()
        if cancelled {
            lock.unlock()
            next?.cancel()
            return false
        }
        let previous = transfer
        transfer = next
        lock.unlock()
        if let previous, previous !== next { previous.cancel() }
        return true
    }
}

/// What a stream reports, in order.
public enum StreamEvent<Item: Sendable>: Sendable {
    /// One or more decoded messages that arrived together; `bytes` = the raw bytes they took.
    case items([Item], bytes: Int)
    /// A keep-alive (a server-sent-events `:` comment line) arrived: the stream is alive.
    case keepAlive
    /// The stream broke or stalled; the client waits `delay` seconds, then reconnects by itself.
    case reconnecting(APIError, attempt: Int, delay: Double)
    /// Reconnected after `.reconnecting`.
    case resumed
    /// The server closed the stream normally (a log that is not followed, a finished pod's follow). Final.
    case ended
    /// A final error: a refusal (401/403/404/410…), a mid-stream error that retrying cannot cure, or retries
    /// exhausted. Final.
    case failed(APIError)
}

/// One line of a container's log.
public struct LogEntry: Sendable, Equatable {
    /// The line, without the timestamp.
    public var content: String
    public var podName: String
    /// RFC 3339 with nanoseconds, as the server stamped the line (nil when the line carried none).
    public var timestamp: String?

    public init(content: String, podName: String, timestamp: String? = nil) {
        self.content = content
        self.podName = podName
        self.timestamp = timestamp
    }

    /// Splits `2026-11-28T12:00:00.123Z text` into the timestamp and the text; a line that does not start
    /// with an RFC 3339 time is all content.
    public static func split(_ line: String, podName: String) -> LogEntry {
        guard let space = line.firstIndex(of: " ") else {
            if PreciseTime(rfc3339: line) != nil { return LogEntry(content: "", podName: podName, timestamp: line) }
            return LogEntry(content: line, podName: podName)
        }
        let stamp = String(line[..<space])
        guard stamp.count >= 20, PreciseTime(rfc3339: stamp) != nil else { return LogEntry(content: line, podName: podName) }
        return LogEntry(content: String(line[line.index(after: space)...]), podName: podName, timestamp: stamp)
    }
}

/// One change of a watched workflow.
public struct WorkflowEvent: Sendable {
    /// `ADDED`, `MODIFIED` or `DELETED`.
    public var type: String
    /// The whole object (nodes included) unless the watch's `fields` trimmed it.
    public var object: Workflow

    public init(type: String, object: Workflow) {
        self.type = type
        self.object = object
    }

    /// The object's resourceVersion (nil when `fields` left it out).
    public var resourceVersion: String? { object.metadata.resourceVersion }
}

extension ArgoClient {
    /// Streams one container's log. Always asks the server for timestamps (`logOptions.timestamps=true`) and for
    /// server-sent events (`Accept: text/event-stream`, so that keep-alives arrive), and splits the timestamp
    /// off into `LogEntry.timestamp`. When the stream breaks or stalls it reconnects with backoff (`retryDelays`;
    /// the count starts again once a connection delivers), resuming with `logOptions.sinceTime=<last
    /// timestamp seen>` and without `tailLines`, and drops the lines already delivered (those before that
    /// instant, and as many at that instant as were delivered), so no line arrives twice.
    /// `.ended` when the server ends the log (not followed, or the followed pod finished).
    @discardableResult
    public func streamPodLog(
        namespace: String, name: String, podName: String, container: String = "main",
        follow: Bool, tailLines: Int?, handler: @escaping @Sendable (StreamEvent<LogEntry>) -> Void
    ) -> StreamHandle {
        let state = LogResume()
        let session = StreamSession<LogEntry>(
            transport: transport, server: settings.displayServer, namespace: namespace, delays: retryDelays,
            endIsFinal: true, handler: handler,
            request: { [kube] in
                let since = state.resumePoint()
                if kube {
                    let path = KubePaths.podLog(
                        namespace: namespace, podName: podName, container: container, follow: follow,
                        tailLines: since == nil ? tailLines : nil, sinceTime: since, timestamps: true)
                    return HTTPRequest(path: path, accept: "text/plain")
                }
                let path = Endpoints.podLog(
                    namespace: namespace, name: name, podName: podName, container: container, follow: follow,
                    tailLines: since == nil ? tailLines : nil, sinceTime: since, timestamps: true)
                return HTTPRequest(path: path, accept: "text/event-stream")
            },
            decode: { [kube] message, number, decoder in
                if kube { return .success(LogEntry.split(String(decoding: message, as: UTF8.self), podName: podName)) }
                return StreamEnvelope.decode(message, as: PodLog.Entry.self, namespace: namespace, number: number, what: "log message", decoder: decoder)
                    .map { entry in entry.map { LogEntry.split($0.content ?? "", podName: $0.podName ?? podName) } }
            },
            accept: { state.accept($0) },
            finalError: { _ in nil },
            plainLines: kube)
        session.start()
        return session.handle
    }

    /// Watches workflows: `GET /api/v1/workflow-events/{ns}` with `listOptions.resourceVersion` (when given),
    /// `listOptions.fieldSelector` (when given, e.g. `metadata.namespace=argo,metadata.name=x`) and `fields`
    /// (when given: paths prefixed `result.object.`, see `Endpoints.watchFields`; an inclusion list gets
    /// `result.type` and `result.object.metadata.resourceVersion` added when missing, as the watch needs them).
    /// Asks for server-sent events (keep-alives). When the stream breaks, stalls, or the server closes it, it
    /// reconnects with backoff from the newest resourceVersion seen. When the server says that version is too
    /// old (HTTP 410, or a mid-stream error with `http_code` 410 or "too old" in its message) it ends with
    /// `.failed(.http(status: 410, …))`: list again and watch from the list's resourceVersion.
    @discardableResult
    public func watchWorkflows(
        namespace: String, resourceVersion: String?, fieldSelector: String?, fields: String?,
        handler: @escaping @Sendable (StreamEvent<WorkflowEvent>) -> Void
    ) -> StreamHandle {
        let version = Locked(resourceVersion)
        let fields = fields.map(ArgoClient.watchFieldsWithEssentials)
        let session = StreamSession<WorkflowEvent>(
            transport: transport, server: settings.displayServer, namespace: namespace, delays: retryDelays,
            endIsFinal: false, handler: handler,
            request: { [kube] in
                if kube {
                    return HTTPRequest(
                        path: KubePaths.watchWorkflows(namespace: namespace, resourceVersion: version.value, fieldSelector: fieldSelector),
                        accept: "application/json")
                }
                return HTTPRequest(
                    path: Endpoints.watchWorkflows(
                        namespace: namespace, resourceVersion: version.value, fieldSelector: fieldSelector, fields: fields),
                    accept: "text/event-stream")
            },
            decode: { [kube] message, number, decoder in
                if kube { return KubeWatch.decode(message, namespace: namespace, number: number, decoder: decoder) }
                return StreamEnvelope.decode(message, as: WatchResult.self, namespace: namespace, number: number, decoder: decoder)
                    .flatMap { result in
                        guard let result else { return .success(nil) }
                        guard let object = result.object else {
                            return .failure(.malformed(detail: "watch message \(number) has no object"))
                        }
                        return .success(WorkflowEvent(type: result.type ?? "MODIFIED", object: object))
                    }
            },
            accept: { events in
                if let newest = events.last(where: { $0.resourceVersion != nil })?.resourceVersion { version.value = newest }
                return events
            },
            finalError: { error in
                guard case .http(let status, let message, let ns) = error else { return nil }
                if status == 410 || message.lowercased().contains("too old") {
                    return .http(status: 410, message: message, namespace: ns)
                }
                return nil
            })
        session.start()
        return session.handle
    }

    /// `GET /artifact-files/{ns}/workflows/{name}/{nodeId}/outputs/{artifactName}` (Argo Server's artifact
    /// download), the body as text lines: for the archived `main-logs` of a step whose pod is gone.
    /// A trailing newline does not make an empty last line; CRLF is read as a line end.
    public func artifactText(
        namespace: String, workflow: String, nodeID: String, artifactName: String,
        handler: @escaping @Sendable (CallEvent<[String]>) -> Void
    ) {
        if kube {
            handler(.done(.failure(.http(status: 501, message: "artifacts are served by Argo Server only, not by the Kubernetes API: connect with --server or ARGO_SERVER to read \(artifactName)", namespace: namespace)), bytes: 0))
            return
        }
        let path = Endpoints.artifactFile(namespace: namespace, workflow: workflow, nodeID: nodeID, artifactName: artifactName)
        fetch(HTTPRequest(path: path, accept: "*/*"), namespace: namespace, attempt: 0, decode: { response in
            if response.contentType.contains("text/html") {
                return .failure(.notJSON(status: response.status, contentType: response.contentType))
            }
            var text = String(decoding: response.body, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            if text.isEmpty { return .success([]) }
            return .success(text.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
            })
        }, handler: handler)
    }

    static func watchFieldsWithEssentials(_ fields: String) -> String {
        guard !fields.isEmpty, !fields.hasPrefix("-") else { return fields }
        var paths = fields.split(separator: ",").map(String.init)
        for essential in ["result.object.metadata.resourceVersion", "result.type"] where !paths.contains(where: { essential.hasPrefix($0) }) {
            paths.insert(essential, at: 0)
        }
        return paths.joined(separator: ",")
    }

    struct WatchResult: Decodable {
        var type: String?
        var object: Workflow?
    }
}

/// A value shared between a stream's closures.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// Where a log stream is, so that a reconnection resumes without repeating a line.
final class LogResume: @unchecked Sendable {
    private let lock = NSLock()
    private var last: PreciseTime?
    private var lastText: String?
    /// How many delivered lines carry exactly `last`.
    private var countAtLast = 0
    /// While resuming: lines at `last` still to skip; nil when not resuming.
    private var skipAtLast: Int?

    /// The `sinceTime` of the next request (nil for the first), and the start of a resumption.
    func resumePoint() -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let lastText else { return nil }
        skipAtLast = countAtLast
        return lastText
    }

    /// The entries not yet delivered, in order; records the newest timestamp.
    func accept(_ entries: [LogEntry]) -> [LogEntry] {
        lock.lock()
        defer { lock.unlock() }
        var out: [LogEntry] = []
        out.reserveCapacity(entries.count)
        for entry in entries {
            guard let text = entry.timestamp, let time = PreciseTime(rfc3339: text) else {
                out.append(entry)
                continue
            }
            if let skip = skipAtLast, let last {
                if time < last { continue }
                if time == last && skip > 0 {
                    skipAtLast = skip - 1
                    continue
                }
                skipAtLast = nil
            }
            if let last, time == last {
                countAtLast += 1
            } else {
                last = time
                lastText = text
                countAtLast = 1
            }
            out.append(entry)
        }
        return out
    }
}

/// One long-lived request and its reconnections. Everything runs on `queue`, one event after another.
final class StreamSession<Item: Sendable>: @unchecked Sendable {
    typealias Decode = (Data, Int, JSONDecoder) -> Result<Item?, APIError>

    let handle = StreamHandle()
    private let transport: CurlTransport
    private let server: String
    private let namespace: String
    private let delays: [Double]
    private let endIsFinal: Bool
    private let handler: @Sendable (StreamEvent<Item>) -> Void
    private let makeRequest: () -> HTTPRequest
    private let decode: Decode
    private let accept: ([Item]) -> [Item]
    private let finalError: (APIError) -> APIError?
    private let queue = DispatchQueue(label: "argotop.stream", qos: .userInitiated)
    private let decoder = JSONDecoder()

    private var framer: StreamFramer
    /// The longest one message of a stream may be (a whole workflow in a watch event fits many times over).
    static var maxMessageBytes: Int { 64 * 1024 * 1024 }
    private let plainLines: Bool
    private var messages = 0
    private var failures = 0
    private var reconnecting = false
    private var done = false
    /// Which connection the callbacks belong to; those of an abandoned one are ignored.
    private var generation = 0

    init(
        transport: CurlTransport, server: String, namespace: String, delays: [Double], endIsFinal: Bool,
        handler: @escaping @Sendable (StreamEvent<Item>) -> Void, request: @escaping () -> HTTPRequest,
        decode: @escaping Decode, accept: @escaping ([Item]) -> [Item], finalError: @escaping (APIError) -> APIError?,
        plainLines: Bool = false
    ) {
        framer = StreamFramer(plainLines: plainLines)
        self.plainLines = plainLines
        self.transport = transport
        self.server = server
        self.namespace = namespace
        self.delays = delays
        self.endIsFinal = endIsFinal
        self.handler = handler
        self.makeRequest = request
        self.decode = decode
        self.accept = accept
        self.finalError = finalError
    }

    func start() { queue.async { self.connect() } }

    private func connect() {
        guard !done, !handle.isCancelled else { return }
        generation += 1
        let current = generation
        framer = StreamFramer()
        let request = makeRequest()
        let transfer = transport.stream(
            request,
            onPart: { [self] part in queue.async { if current == self.generation { self.received(part) } } },
            completion: { [self] result in queue.async { if current == self.generation { self.ended(result) } } })
        handle.attach(transfer)
    }

    private func emit(_ event: StreamEvent<Item>) {
        guard !done, !handle.isCancelled else { return }
        switch event {
        case .ended, .failed:
            done = true
            handle.attach(nil)
        default: break
        }
        handler(event)
    }

    private func received(_ part: CurlTransport.StreamPart) {
        switch part {
        case .head:
            if reconnecting {
                reconnecting = false
                emit(.resumed)
            }
        case .body(let data):
            deliver(framer.feed(data))
            // One message that never ends (a broken proxy, a runaway object) must not grow without bound.
            let limit = min(transport.maxBodyBytes, StreamSession.maxMessageBytes)
            if !done, framer.pendingBytes > limit {
                abandonConnection()
                fail(.transport(kind: .tooLarge, detail: "a stream message larger than \(CurlTransport.byteSize(limit))", server: server))
            }
        }
    }

    private func deliver(_ frames: [StreamFrame]) {
        var items: [Item] = []
        var bytes = 0
        func flush() {
            guard !items.isEmpty else { return }
            let fresh = accept(items)
            if !fresh.isEmpty {
                // Only new items count as progress: a connection that breaks after repeating lines already
                // delivered must use up its retries, not reconnect forever.
                failures = 0
                emit(.items(fresh, bytes: bytes))
            }
            items.removeAll()
            bytes = 0
        }
        for frame in frames {
            switch frame {
            case .keepAlive:
                flush()
                failures = 0
                emit(.keepAlive)
            case .message(let message, let size):
                messages += 1
                switch decode(message, messages, decoder) {
                case .success(let item):
                    bytes += size
                    if let item { items.append(item) }
                case .failure(let error):
                    flush()
                    abandonConnection()
                    fail(error)
                    return
                }
            }
        }
        flush()
    }

    /// Stops listening to the current connection (a mid-stream error ends it for us).
    private func abandonConnection() {
        generation += 1
        handle.attach(nil)
    }

    private func ended(_ result: Result<HTTPResponse, TransportFailure>) {
        switch result {
        case .success(let response) where (200..<300).contains(response.status):
            deliver(framer.finish())
            guard !done else { return }
            if endIsFinal {
                emit(.ended)
            } else {
                // A watch the server closed (its own time limit, a restart): carry on from where it was.
                fail(.transport(kind: .reset, detail: "the server closed the stream", server: server))
            }
        default:
            let (outcome, _) = ArgoClient.interpret(result, server: server, namespace: namespace) { response -> Result<Void, APIError> in
                .failure(.malformed(detail: "unexpected status \(response.status)"))
            }
            if case .failure(let error) = outcome { fail(error) }
        }
    }

    private func fail(_ error: APIError) {
        guard !done, !handle.isCancelled else { return }
        if case .transport(.other, CurlTransport.shutDownDetail, _) = error {
            emit(.failed(error))
            return
        }
        if let final = finalError(error) {
            emit(.failed(final))
            return
        }
        guard error.isRetryable, failures < delays.count else {
            emit(.failed(error))
            return
        }
        let delay = delays[failures]
        failures += 1
        reconnecting = true
        emit(.reconnecting(error, attempt: failures, delay: delay))
        queue.asyncAfter(deadline: .now() + delay) { [self] in connect() }
    }
}

/// A Kubernetes watch message: `{"type": "ADDED|MODIFIED|DELETED|BOOKMARK|ERROR", "object": …}`; an ERROR
/// carries a `Status` (`code` 410 and "too old resource version" when the watch fell behind).
enum KubeWatch {
    struct Message: Decodable {
        var type: String?
        var object: Workflow?
    }

    struct Status: Decodable {
        var code: Int?
        var message: String?
        var reason: String?
    }

    struct ErrorMessage: Decodable {
        var object: Status?
    }

    static func decode(_ message: Data, namespace: String, number: Int, decoder: JSONDecoder) -> Result<WorkflowEvent?, APIError> {
        struct Kind: Decodable { var type: String? }
        guard let kind = try? decoder.decode(Kind.self, from: message) else {
            let start = String(decoding: message.prefix(60), as: UTF8.self)
            return .failure(.malformed(detail: "watch message \(number) is not JSON (\(start))"))
        }
        switch kind.type {
        case "ERROR":
            let status = (try? decoder.decode(ErrorMessage.self, from: message))?.object
            return .failure(.http(status: status?.code ?? 500, message: status?.message ?? "the watch failed", namespace: namespace))
        case "BOOKMARK":
            return .success(nil)
        default:
            do {
                let decoded = try decoder.decode(Message.self, from: message)
                guard let object = decoded.object else { return .failure(.malformed(detail: "watch message \(number) has no object")) }
                // Rows need no nodes: drop them at once, as Argo Server's `fields` would.
                return .success(WorkflowEvent(type: decoded.type ?? "MODIFIED", object: ArgoClient.lighten(object)))
            } catch {
                return .failure(.malformed(detail: "watch message \(number): \(ArgoClient.describe(error))"))
            }
        }
    }
}
