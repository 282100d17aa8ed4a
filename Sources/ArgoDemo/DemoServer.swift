import ArgoAPI
import Foundation

/// A simulated Argo Server over real HTTP/1.1 on a loopback port: the endpoints argotop uses, with Argo's
/// framing (`{"metadata":{"continue":…},"items":[…]}`, errors as `{"code":N,"message":"…"}`) and its
/// `fields` and `listOptions` parameters.
public final class DemoServer: @unchecked Sendable {
    public let cluster: DemoCluster
    public private(set) var port: Int = 0
    /// Seconds between keep-alive comment lines on server-sent-event streams (Argo Server: 15).
    public var keepAliveSeconds: Double {
        get { lock.withLock { keepAlive } }
        set { lock.withLock { keepAlive = newValue } }
    }
    /// Faults to inject into streams, for tests of reconnection; each fires once, then clears itself.
    public var faults: DemoFaults {
        get { lock.withLock { faults_ } }
        set { lock.withLock { faults_ = newValue } }
    }
    private var keepAlive: Double = 15
    /// When set, every request must carry `Authorization: Bearer <token>`; others get 401 (as a cluster that
    /// checks tokens does). `ARGOTOP_DEMO_TOKEN` sets it.
    public var requiredToken: String? {
        get { lock.withLock { token } }
        set { lock.withLock { token = newValue } }
    }
    private var token: String?
    var faults_ = DemoFaults()
    /// Faults that answer whole requests (`inject(_:)`).
    var injected: [DemoFault] = []
    private var transport: DemoTransport?
    let lock = NSLock()
    private var log: [String] = []
    private var stopped = false

    public init(cluster: DemoCluster) {
        self.cluster = cluster
        // For tests of stalls: keep-alives more often than a short stall limit.
        if let text = ProcessInfo.processInfo.environment["ARGOTOP_DEMO_KEEPALIVE_SECONDS"], let seconds = Double(text), seconds > 0 {
            keepAlive = seconds
        }
        if let text = ProcessInfo.processInfo.environment["ARGOTOP_DEMO_TOKEN"], !text.isEmpty { token = text }
    }

    /// Binds 127.0.0.1:`port` (0 picks a free port) and serves (SwiftNIO's HTTP/1.1 server, `DemoTransport`).
    public func start(port requested: Int = 0) throws {
        let transport = try DemoTransport(port: requested) { [weak self] request, connection in
            guard let self else { return connection.close() }
            self.serve(request, connection)
        }
        port = transport.port
        lock.withLock { self.transport = transport }
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        let transport = lock.withLock {
            stopped = true
            defer { self.transport = nil }
            return self.transport
        }
        transport?.stop()
    }

    var isStopped: Bool { lock.withLock { stopped } }

    /// The bodies of the requests that had one, with their request line, for tests.
    public var requestBodies: [(request: String, body: String)] { lock.withLock { bodies } }
    private var bodies: [(String, String)] = []

    /// Every request line served so far (`GET /api/v1/…?…`), for tests.
    public var requestLog: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    /// Answers one request (on a thread of its own, see `DemoTransport`).
    private func serve(_ request: DemoRequest, _ connection: DemoConnection) {
        lock.withLock {
            log.append("\(request.method) \(request.target)")
            if !request.body.isEmpty { bodies.append(("\(request.method) \(request.target)", String(decoding: request.body, as: UTF8.self))) }
        }
        if let token = requiredToken, request.headers["authorization"] != "Bearer " + token {
            connection.answer(401, contentType: "application/json", body: error(401, code: 16, "token not valid or missing").body)
            return
        }
        if let fault = takeInjectedFault(for: request.target) {
            serveFault(connection, fault, method: request.method, target: request.target, headers: request.headers)
            return
        }
        let kube = kubeTarget(request.target)
        let target = kube?.argoTarget ?? request.target
        if request.method == "GET", var stream = streamRequest(target: target, headers: request.headers) {
            if kube != nil { stream.kube = true }
            serveStream(connection, stream)
            return
        }
        var response = kube?.kind == .namespaces ? namespaceList()
            : respond(method: request.method, target: target, headers: request.headers, kube: kube != nil, body: request.body)
        if kube != nil { response = kubeStatus(response) }
        connection.answer(response.status, contentType: response.contentType, body: response.body)
    }

    struct Response: Error {
        var status: Int
        var contentType = "application/json"
        var body: [UInt8]
    }

    /// - Parameter headers: the request's headers, names in lower case.
    /// - Parameter kube: the request came in on a Kubernetes API path (see `kubeTarget`): answer that way.
    func respond(method: String, target: String, headers: [String: String] = [:], kube: Bool = false, body: [UInt8] = []) -> Response {
        let (path, query) = DemoServer.split(target)
        if method == "PUT", !kube { return action(path: path, body: body) }
        guard method == "GET" else { return error(405, code: 12, "method \(method) is not supported by the demo server") }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // segments of "/api/v1/workflows/ns/name" are ["", "api", "v1", "workflows", "ns", "name"]
        if segments.count >= 2, segments[1] == "artifact-files" {
            return artifact(Array(segments.dropFirst(2)))
        }
        guard segments.count >= 3, segments[1] == "api", segments[2] == "v1" else {
            return error(404, code: 5, "no such path: \(path)")
        }
        let rest = Array(segments.dropFirst(3))
        if rest.first == "workflow-events" {
            // Reached only when the watch cannot start (see `streamRequest`).
            return error(400, code: 3, "bad watch request")
        }
        switch rest.first {
        case "version":
            return json(.object([("version", .string("v4.1.2-demo")), ("platform", .string("linux/amd64"))]))
        case "cron-workflows":
            // `/api/v1/cron-workflows/{ns}`: every CronWorkflow of the namespace (`{ns}` empty: all).
            let ns = rest.count >= 2 ? rest[1] : ""
            var items = cluster.cronWorkflows.filter { ns.isEmpty || $0["metadata"]?["namespace"]?.stringValue == ns }
            // The Kubernetes API gives the stored object (an old manifest keeps its single `schedule`); Argo
            // Server v4 answers with `schedules` only.
            if !kube { items = items.map(DemoServer.withSchedules) }
            if kube {
                return json(.object([("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string("CronWorkflowList")),
                                     ("metadata", .object([])), ("items", .array(items))]))
            }
            return json(.object([("metadata", .object([])), ("items", items.isEmpty ? .null : .array(items))]))
        case "archived-workflows":
            return archived(rest, query: query)
        case "workflow-templates":
            return workflowTemplates(namespace: rest.count >= 2 ? rest[1] : "", kube: kube)
        case "info":
            return json(.object([("managedNamespace", .string(cluster.namespace))]))
        case "userinfo":
            // Who the server thinks the caller is (a service account, as with a token from `argo auth token`).
            return json(.object([
                ("subject", .string("system:serviceaccount:\(cluster.namespace):demo")), ("serviceAccountName", .string("demo")),
                ("serviceAccountNamespace", .string(cluster.namespace)),
            ]))
        case "workflows":
            if rest.count == 2 || (rest.count == 1) {
                return list(namespace: rest.count == 2 ? rest[1] : "", query: query, kube: kube)
            }
            if rest.count == 3 {
                guard let wf = cluster.workflow(named: rest[2]),
                    rest[1].isEmpty || wf["metadata"]?["namespace"]?.stringValue == rest[1]
                else { return error(404, code: 5, "workflows.argoproj.io \"\(rest[2])\" not found") }
                if kube { return json(DemoServer.compressingNodes(wf)) }
                return json(FieldCleaner(query["fields"] ?? "").clean(wf))
            }
            if rest.count == 4, rest[3] == "log" {
                let eventStream = (headers["accept"] ?? "").contains("text/event-stream")
                return podLog(namespace: rest[1], workflow: rest[2], query: query, eventStream: eventStream, plain: kube)
            }
            return error(404, code: 5, "no such path: \(path)")
        default:
            return error(404, code: 5, "no such path: \(path)")
        }
    }

    /// `…/{name}/log?podName=…&logOptions.container=…&logOptions.tailLines=…&logOptions.sinceTime=…&logOptions.timestamps=…`:
    /// the lines as `{"result":{"content":…,"podName":…}}`, one a line, or as server-sent events. This answer is
    /// not followed: it ends after the last line (`logOptions.follow=true` is served by `serveStream`).
    /// A pod that is gone gives no lines, as Argo Server does (it finds no pod to stream).
    func podLog(namespace: String, workflow name: String, query: [String: String], eventStream: Bool, plain: Bool = false) -> Response {
        var request: LogRequest
        switch logRequest(namespace: namespace, workflow: name, query: query) {
        case .failure(let refusal): return refusal
        case .success(let r): request = r
        }
        request.plain = plain
        var body: [UInt8] = []
        for line in request.initialLines() { body += request.message(line, eventStream: eventStream) }
        return Response(status: 200, contentType: plain ? "text/plain" : eventStream ? "text/event-stream" : "application/json", body: body)
    }

    /// A log request, read and checked.
    struct LogRequest {
        var namespace: String
        var workflow: String
        var podName: String
        var container: String
        var tailLines: Int?
        var since: PreciseTime?
        var timestamps: Bool
        var follow: Bool
        var state: DemoLogState
        /// The Kubernetes API's form: plain text, a line each.
        var plain = false

        /// The lines the answer starts with: at or after `sinceTime`, then the last `tailLines`.
        func initialLines() -> [DemoLogLine] {
            guard case .lines(var lines, _) = state else { return [] }
            lines = lines.filter { isWanted($0) }
            if let tailLines { lines = Array(lines.suffix(tailLines)) }
            return lines
        }

        func isWanted(_ line: DemoLogLine) -> Bool {
            guard let since else { return true }
            return PreciseTime(rfc3339: DemoCluster.logTimestamp(line.time)).map { $0 >= since } ?? true
        }

        func message(_ line: DemoLogLine, eventStream: Bool) -> [UInt8] {
            let content = timestamps ? DemoCluster.logTimestamp(line.time) + " " + line.text : line.text
            if plain { return Array((content + "\n").utf8) }
            let message = JSONValue.object([("result", .object([("content", .string(content)), ("podName", .string(podName))]))])
            return eventStream ? Array("data: ".utf8) + message.serialized() + [10, 10] : message.serialized() + [10]
        }
    }

    func logRequest(namespace: String, workflow name: String, query: [String: String]) -> Result<LogRequest, Response> {
        let podName = query["podName"] ?? ""
        let container = (query["logOptions.container"] ?? "").isEmpty ? "main" : query["logOptions.container"]!
        if podName.isEmpty { return .failure(error(400, code: 3, "the demo server needs podName to give a log")) }
        var tail: Int?
        if let text = query["logOptions.tailLines"], !text.isEmpty {
            guard let value = Int(text), value >= 0 else { return .failure(error(400, code: 3, "invalid logOptions.tailLines \(text)")) }
            tail = value
        }
        var since: PreciseTime?
        if let text = query["logOptions.sinceTime"], !text.isEmpty {
            guard let value = PreciseTime(rfc3339: text) else {
                return .failure(error(400, code: 3, "parsing time \"\(text)\" as RFC3339: cannot parse"))
            }
            since = value
        }
        let state = cluster.logState(namespace: namespace, workflow: name, podName: podName, container: container)
        switch state {
        case .noWorkflow: return .failure(error(404, code: 5, "workflows.argoproj.io \"\(name)\" not found"))
        case .noPod: return .failure(error(404, code: 5, "pods \"\(podName)\" not found"))
        default: break
        }
        return .success(LogRequest(
            namespace: namespace, workflow: name, podName: podName, container: container, tailLines: tail, since: since,
            timestamps: query["logOptions.timestamps"] == "true", follow: query["logOptions.follow"] == "true", state: state))
    }

    /// `/artifact-files/{ns}/workflows/{name}/{nodeId}/outputs/{artifactName}`: the artifact's bytes. Argo
    /// Server answers any failure here with a bare `500 Internal Server Error` in plain text.
    func artifact(_ parts: [String]) -> Response {
        let plain = "text/plain; charset=utf-8"
        guard parts.count == 6, parts[1] == "workflows", parts[4] == "outputs" || parts[4] == "inputs" else {
            return Response(status: 400, contentType: plain, body: Array("Bad Request\n".utf8))
        }
        guard parts[4] == "outputs",
            let text = cluster.artifactText(namespace: parts[0], workflow: parts[2], nodeID: parts[3], artifactName: parts[5])
        else { return Response(status: 500, contentType: plain, body: Array("Internal Server Error\n".utf8)) }
        return Response(status: 200, contentType: plain, body: Array(text.utf8))
    }

    func list(namespace: String, query: [String: String], kube: Bool = false) -> Response {
        var (everything, version) = cluster.snapshot()
        // Argo Server merges the archive into the list (rows labelled Persisted); the Kubernetes API has only
        // the live objects.
        if !kube { everything = DemoServer.mergingArchive(everything, cluster.archivedWorkflows) }
        guard let filter = ListFilter(query: query) else {
            return error(400, code: 3, "unable to parse the selector or createdAfter")
        }
        let all = everything.filter {
            (namespace.isEmpty || $0["metadata"]?["namespace"]?.stringValue == namespace) && filter.accepts($0)
        }
        let limit = Int(query["listOptions.limit"] ?? "") ?? 0
        var offset = 0
        if let token = query["listOptions.continue"], !token.isEmpty {
            guard let value = Int(token), value >= 0 else {
                return error(400, code: 3, "invalid continue token \(token)")
            }
            offset = value
        }
        let end = limit > 0 ? min(all.count, offset + limit) : all.count
        let page = offset < all.count ? Array(all[offset..<end]) : []
        let next = end < all.count ? String(end) : ""
        var metadata: [(String, JSONValue)] = [("resourceVersion", .string(String(version)))]
        if !next.isEmpty { metadata.insert(("continue", .string(next)), at: 0) }
        if kube {
            // Kubernetes: the kind, whole objects (big node maps compressed), and `items` never null.
            return json(.object([
                ("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string("WorkflowList")),
                ("metadata", .object(metadata)), ("items", .array(page.map(DemoServer.compressingNodes))),
            ]))
        }
        let body: JSONValue = .object([("metadata", .object(metadata)), ("items", page.isEmpty ? .null : .array(page))])
        return json(FieldCleaner(query["fields"] ?? "").clean(body))
    }

    /// Live workflows and archived ones that are no longer live, newest first (by creation time).
    static func mergingArchive(_ live: [JSONValue], _ archived: [JSONValue]) -> [JSONValue] {
        let uids = Set(live.compactMap { $0["metadata"]?["uid"]?.stringValue })
        let gone = archived.filter { !uids.contains($0["metadata"]?["uid"]?.stringValue ?? "") }
        guard !gone.isEmpty else { return live }
        func created(_ wf: JSONValue) -> String { wf["metadata"]?["creationTimestamp"]?.stringValue ?? "" }
        return (live + gone).enumerated().sorted { a, b in
            let (x, y) = (created(a.element), created(b.element))
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    /// A CronWorkflow as Argo Server v4 gives it: a legacy single `schedule` becomes `schedules`.
    static func withSchedules(_ cron: JSONValue) -> JSONValue {
        guard case .object(var fields) = cron, let index = fields.firstIndex(where: { $0.0 == "spec" }),
            case .object(var spec) = fields[index].1, let legacy = spec.firstIndex(where: { $0.0 == "schedule" })
        else { return cron }
        let schedule = spec.remove(at: legacy).1
        if !spec.contains(where: { $0.0 == "schedules" }) { spec.insert(("schedules", .array([schedule])), at: legacy) }
        fields[index].1 = .object(spec)
        return .object(fields)
    }

    func json(_ value: JSONValue) -> Response { Response(status: 200, body: value.serialized()) }

    func error(_ status: Int, code: Int, _ message: String) -> Response {
        Response(status: status, body: JSONValue.object([("code", .int(code)), ("message", .string(message))]).serialized())
    }

    func reason(_ status: Int) -> String {
        [
            200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
            410: "Gone", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
        ][status] ?? "Status"
    }

    /// Splits `/path?a=b&c=d` and percent-decodes the query.
    /// A query parameter of a request line from `requestLog` (`GET /path?k=v…`), decoded; nil when absent.
    public static func queryValue(_ key: String, in requestLine: String) -> String? {
        let target = requestLine.split(separator: " ", maxSplits: 1).last.map(String.init) ?? requestLine
        return split(target).1[key]
    }

    static func split(_ target: String) -> (String, [String: String]) {
        guard let q = target.firstIndex(of: "?") else { return (target.removingPercentEncoding ?? target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: q)...].split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[0])
            let value = kv.count > 1 ? (String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(kv[1])) : ""
            query[key] = value
        }
        let path = String(target[..<q])
        return (path.removingPercentEncoding ?? path, query)
    }
}

/// Faults a demo server injects into its streams, each once (the next stream is served normally).
public struct DemoFaults: Sendable {
    /// Cut the next followed log stream after it sent this many lines (the connection just drops).
    public var cutLogAfterLines: Int?
    /// Stall the next followed log stream after this many lines: send nothing, keep-alives included, for
    /// `stallSeconds`, then drop the connection.
    public var stallLogAfterLines: Int?
    public var stallSeconds: Double = 3
    /// Cut the next watch after it sent this many events.
    public var cutWatchAfterEvents: Int?

    public init(cutLogAfterLines: Int? = nil, stallLogAfterLines: Int? = nil, stallSeconds: Double = 3, cutWatchAfterEvents: Int? = nil) {
        self.cutLogAfterLines = cutLogAfterLines
        self.stallLogAfterLines = stallLogAfterLines
        self.stallSeconds = stallSeconds
        self.cutWatchAfterEvents = cutWatchAfterEvents
    }
}

public struct DemoServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
