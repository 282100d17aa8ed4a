import ArgoAPI
import Foundation

/// The demo server's long-lived answers: followed logs and workflow watches, as chunked HTTP/1.1 that ends
/// with the stream (a cut connection is an abrupt end without the last chunk, as a broken proxy gives).
extension DemoServer {
    enum StreamKind {
        case log(LogRequest)
        case watch(WatchRequest)
    }

    struct StreamRequest {
        var kind: StreamKind
        var eventStream: Bool
        /// Came in on a Kubernetes API path: `{"type","object"}` watch lines, plain-text logs, no events.
        var kube = false {
            didSet {
                if kube { eventStream = false }
            }
        }
    }

    struct WatchRequest {
        var namespace: String
        /// Where to start: after this resourceVersion; nil sends every workflow as ADDED first.
        var after: Int?
        /// `listOptions.fieldSelector`, `labelSelector` and `createdAfter`, as a list applies them.
        var filter: ListFilter
        var fields: FieldCleaner
    }

    /// A followed log or a watch that can start; nil for anything else (refusals included, which `respond`
    /// then answers as usual).
    func streamRequest(target: String, headers: [String: String]) -> StreamRequest? {
        let (path, query) = DemoServer.split(target)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let eventStream = (headers["accept"] ?? "").contains("text/event-stream")
        guard segments.count >= 4, segments[1] == "api", segments[2] == "v1" else { return nil }
        if segments[3] == "workflows", segments.count == 7, segments[6] == "log", query["logOptions.follow"] == "true",
            case .success(let request) = logRequest(namespace: segments[4], workflow: segments[5], query: query)
        {
            return StreamRequest(kind: .log(request), eventStream: eventStream)
        }
        if segments[3] == "workflow-events", segments.count <= 5, let watch = watchRequest(namespace: segments.count == 5 ? segments[4] : "", query: query) {
            return StreamRequest(kind: .watch(watch), eventStream: eventStream)
        }
        return nil
    }

    func watchRequest(namespace: String, query: [String: String]) -> WatchRequest? {
        var after: Int?
        if let text = query["listOptions.resourceVersion"], !text.isEmpty, text != "0" {
            guard let value = Int(text) else { return nil }
            after = value
        }
        // The same selectors a list takes (an unreadable one: no watch, the request is refused).
        guard let filter = ListFilter(query: query) else { return nil }
        return WatchRequest(
            namespace: namespace, after: after, filter: filter,
            fields: FieldCleaner(query["fields"] ?? ""))
    }

    /// Serves one stream on `connection` until it ends, the client leaves, or the server stops.
    func serveStream(_ connection: DemoConnection, _ request: StreamRequest) {
        if case .watch(let watch) = request.kind, let after = watch.after, after < cluster.oldestResumableVersion {
            // Kubernetes' words for a watch from a version it no longer keeps.
            var refusal = error(410, code: 10, "too old resource version: \(after) (\(cluster.oldestResumableVersion + 1))")
            if request.kube { refusal = kubeStatus(refusal) }
            connection.answer(410, contentType: "application/json", body: refusal.body, close: true)
            return
        }
        let type: String
        switch request.kind {
        case _ where request.eventStream: type = "text/event-stream"
        case .log where request.kube: type = "text/plain"
        default: type = "application/json"
        }
        // No length: the transport sends the body in chunks.
        guard connection.head(200, contentType: type, length: nil, close: true, extra: [("Cache-Control", "no-cache")]) else {
            return connection.close()
        }
        let writer = ChunkWriter(server: self, connection: connection, eventStream: request.eventStream)
        let clean: Bool
        switch request.kind {
        case .log(var log):
            log.plain = request.kube
            clean = followLog(log, writer)
        case .watch(let watch): clean = followWatch(watch, writer, kube: request.kube)
        }
        // A clean end sends the last chunk; otherwise the connection just closes (an abrupt end).
        if clean { connection.end(close: true) } else { connection.close() }
    }

    final class ChunkWriter {
        let server: DemoServer
        let connection: DemoConnection
        let eventStream: Bool
        var lastWrite = Date()

        init(server: DemoServer, connection: DemoConnection, eventStream: Bool) {
            self.server = server
            self.connection = connection
            self.eventStream = eventStream
        }

        func write(_ bytes: [UInt8]) -> Bool {
            guard !bytes.isEmpty else { return true }
            lastWrite = Date()
            return connection.body(bytes)
        }

        /// A keep-alive comment when one is due (server-sent events only); false when the client is gone.
        func keepAliveIfDue() -> Bool {
            guard eventStream, Date().timeIntervalSince(lastWrite) >= server.keepAliveSeconds else { return true }
            return write(Array(":\n".utf8))
        }

        /// Whether the client hung up.
        var clientLeft: Bool { connection.clientLeft }

        /// Waits for the cluster to move (at most a short while, so keep-alives and hang-ups are noticed).
        func wait(after tick: Int) -> Int {
            server.cluster.waitForTick(after: tick, timeout: min(0.25, max(0.01, server.keepAliveSeconds / 4)))
        }
    }

    /// Takes the fault that fires on this stream, if any, clearing it.
    private func takeFault(_ pick: (inout DemoFaults) -> Int?) -> Int? {
        lock.withLock { pick(&faults_) }
    }

    /// Sends the lines written so far, then new lines as the cluster's clock moves; ends (cleanly, true) when
    /// the container is done and every line is out.
    func followLog(_ request: LogRequest, _ writer: ChunkWriter) -> Bool {
        let cut = takeFault { f in defer { f.cutLogAfterLines = nil }; return f.cutLogAfterLines }
        let stall = takeFault { f in defer { f.stallLogAfterLines = nil }; return f.stallLogAfterLines }
        let stallSeconds = faults.stallSeconds
        var sent = 0
        var tick = cluster.tickCount
        var state = request.state
        // Where in the container's lines the answer starts; later lines all follow.
        guard case .lines(let first, _) = state else { return true }  // a pod that is gone: nothing, the end
        let initial = request.initialLines()
        var next = first.count - initial.count
        while !isStopped {
            guard case .lines(let lines, let finished) = state else { return true }
            if next < lines.count {
                var batch: [UInt8] = []
                for line in lines[next...] {
                    if let cut, sent >= cut {
                        _ = writer.write(batch)
                        return false
                    }
                    if let stall, sent >= stall {
                        _ = writer.write(batch)
                        Thread.sleep(forTimeInterval: stallSeconds)
                        return false
                    }
                    if request.isWanted(line) { batch += request.message(line, eventStream: writer.eventStream) }
                    sent += 1
                    next += 1
                }
                guard writer.write(batch) else { return false }
            }
            if finished { return true }
            guard writer.keepAliveIfDue(), !writer.clientLeft else { return false }
            tick = writer.wait(after: tick)
            state = cluster.logState(namespace: request.namespace, workflow: request.workflow, podName: request.podName, container: request.container)
        }
        return false
    }

    /// Sends every change after the requested resourceVersion (after the current workflows as ADDED when
    /// none was given), filtered and trimmed by `fields` as Argo Server does (on the whole envelope).
    func followWatch(_ request: WatchRequest, _ writer: ChunkWriter, kube: Bool = false) -> Bool {
        let cut = takeFault { f in defer { f.cutWatchAfterEvents = nil }; return f.cutWatchAfterEvents }
        var sent = 0
        var tick = cluster.tickCount
        func matches(_ object: JSONValue) -> Bool {
            let ns = object["metadata"]?["namespace"]?.stringValue ?? ""
            return (request.namespace.isEmpty || ns == request.namespace) && request.filter.accepts(object)
        }
        func message(_ type: String, _ object: JSONValue) -> [UInt8] {
            if kube { return JSONValue.object([("type", .string(type)), ("object", DemoServer.compressingNodes(object))]).serialized() + [10] }
            let envelope = request.fields.clean(.object([("result", .object([("type", .string(type)), ("object", object)]))]))
            return writer.eventStream ? Array("data: ".utf8) + envelope.serialized() + [10, 10] : envelope.serialized() + [10]
        }
        var cursor: Int
        if let after = request.after {
            cursor = after
        } else {
            let (all, version) = cluster.snapshot()
            var batch: [UInt8] = []
            for object in all.reversed() where matches(object) { batch += message("ADDED", object) }
            guard writer.write(batch) else { return false }
            cursor = version
        }
        while !isStopped {
            guard let events = cluster.events(after: cursor) else {
                let text = "too old resource version: \(cursor) (\(cluster.oldestResumableVersion + 1))"
                // The watch fell behind what the cluster keeps: the error comes in mid-stream, as gRPC code 10
                // (Aborted), which grpc-gateway turns into HTTP 409; only the words say "too old".
                var failure = JSONValue.object([("error", .object([
                    ("grpc_code", .int(10)), ("http_code", .int(409)), ("message", .string(text)), ("http_status", .string("Conflict")),
                ]))])
                if kube {
                    failure = .object([("type", .string("ERROR")), ("object", .object([
                        ("kind", .string("Status")), ("apiVersion", .string("v1")), ("status", .string("Failure")),
                        ("message", .string(text)), ("reason", .string("Expired")), ("code", .int(410)),
                    ]))])
                }
                _ = writer.write(writer.eventStream ? Array("data: ".utf8) + failure.serialized() + [10, 10] : failure.serialized() + [10])
                return true
            }
            var batch: [UInt8] = []
            for event in events {
                cursor = event.resourceVersion
                guard matches(event.object) else { continue }
                if let cut, sent >= cut {
                    _ = writer.write(batch)
                    return false
                }
                batch += message(event.type, event.object)
                sent += 1
            }
            guard writer.write(batch), writer.keepAliveIfDue(), !writer.clientLeft else { return false }
            tick = writer.wait(after: tick)
        }
        return false
    }
}
