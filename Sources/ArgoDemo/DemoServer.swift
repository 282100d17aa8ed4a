import Foundation

/// A simulated Argo Server over real HTTP/1.1 on a loopback port: the endpoints argotop uses, with Argo's
/// framing (`{"metadata":{"continue":…},"items":[…]}`, errors as `{"code":N,"message":"…"}`) and its
/// `fields` and `listOptions` parameters.
public final class DemoServer: @unchecked Sendable {
    public let cluster: DemoCluster
    public private(set) var port: Int = 0
    private var listenFD: Int32 = -1
    private let lock = NSLock()
    private var log: [String] = []
    private var stopped = false

    public init(cluster: DemoCluster) {
        self.cluster = cluster
    }

    /// Binds 127.0.0.1:`port` (0 picks a free port) and serves on background threads.
    public func start(port requested: Int = 0) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw DemoServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(requested).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw DemoServerError("cannot listen on 127.0.0.1:\(requested): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        listenFD = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "argotop-demo-server"
        thread.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        if listenFD >= 0 {
            shutdown(listenFD, Int32(SHUT_RDWR))
            close(listenFD)
            listenFD = -1
        }
    }

    /// Every request line served so far (`GET /api/v1/…?…`), for tests.
    public var requestLog: [String] {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    private func acceptLoop() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                lock.lock()
                let done = stopped
                lock.unlock()
                if done || errno == EBADF || errno == EINVAL { return }
                continue
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let thread = Thread { [self] in serve(client) }
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            // Read one request head.
            var headEnd: Int?
            while headEnd == nil {
                if let end = findHeadEnd(buffer) {
                    headEnd = end
                    break
                }
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { return }
                buffer += chunk[0..<n]
                if buffer.count > 1 << 20 { return }
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst()
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let bodyLength = Int(headers["content-length"] ?? "0") ?? 0
            let total = headEnd! + 4 + bodyLength
            while buffer.count < total {
                let n = read(fd, &chunk, chunk.count)
                if n <= 0 { return }
                buffer += chunk[0..<n]
            }
            buffer.removeFirst(total)
            let parts = requestLine.split(separator: " ")
            guard parts.count >= 2 else { return }
            lock.lock()
            log.append("\(parts[0]) \(parts[1])")
            lock.unlock()
            let response = respond(method: String(parts[0]), target: String(parts[1]), headers: headers)
            let keepAlive = (headers["connection"] ?? "").lowercased() != "close"
            var out = Array("HTTP/1.1 \(response.status) \(reason(response.status))\r\nContent-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\n\(keepAlive ? "" : "Connection: close\r\n")\r\n".utf8)
            out += response.body
            if !writeAll(fd, out) || !keepAlive { return }
        }
    }

    private func findHeadEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
            return i
        }
        return nil
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    struct Response {
        var status: Int
        var contentType = "application/json"
        var body: [UInt8]
    }

    /// - Parameter headers: the request's headers, names in lower case.
    func respond(method: String, target: String, headers: [String: String] = [:]) -> Response {
        let (path, query) = DemoServer.split(target)
        guard method == "GET" else { return error(405, code: 12, "method \(method) is not supported by the demo server") }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // segments of "/api/v1/workflows/ns/name" are ["", "api", "v1", "workflows", "ns", "name"]
        guard segments.count >= 3, segments[1] == "api", segments[2] == "v1" else {
            return error(404, code: 5, "no such path: \(path)")
        }
        let rest = Array(segments.dropFirst(3))
        switch rest.first {
        case "version":
            return json(.object([("version", .string("v4.1.2-demo")), ("platform", .string("linux/amd64"))]))
        case "info":
            return json(.object([("managedNamespace", .string(cluster.namespace))]))
        case "workflows":
            if rest.count == 2 || (rest.count == 1) {
                return list(namespace: rest.count == 2 ? rest[1] : "", query: query)
            }
            if rest.count == 3 {
                guard let wf = cluster.workflow(named: rest[2]),
                    rest[1].isEmpty || wf["metadata"]?["namespace"]?.stringValue == rest[1]
                else { return error(404, code: 5, "workflows.argoproj.io \"\(rest[2])\" not found") }
                return json(FieldCleaner(query["fields"] ?? "").clean(wf))
            }
            if rest.count == 4, rest[3] == "log" {
                let eventStream = (headers["accept"] ?? "").contains("text/event-stream")
                return podLog(namespace: rest[1], workflow: rest[2], query: query, eventStream: eventStream)
            }
            return error(404, code: 5, "no such path: \(path)")
        default:
            return error(404, code: 5, "no such path: \(path)")
        }
    }

    /// `…/{name}/log?podName=…&logOptions.container=…&logOptions.tailLines=…&logOptions.timestamps=…`: the lines
    /// as `{"result":{"content":…,"podName":…}}`, one a line, or as server-sent events. Never followed: the
    /// answer ends after the last line.
    func podLog(namespace: String, workflow name: String, query: [String: String], eventStream: Bool) -> Response {
        let podName = query["podName"] ?? ""
        let container = (query["logOptions.container"] ?? "").isEmpty ? "main" : query["logOptions.container"]!
        if podName.isEmpty { return error(400, code: 3, "the demo server needs podName to give a log") }
        var lines: [DemoLogLine]
        switch cluster.podLog(namespace: namespace, workflow: name, podName: podName, container: container) {
        case .noWorkflow: return error(404, code: 5, "workflows.argoproj.io \"\(name)\" not found")
        case .noPod: return error(404, code: 5, "pods \"\(podName)\" not found")
        case .lines(let all): lines = all
        }
        if let text = query["logOptions.tailLines"], !text.isEmpty {
            guard let tail = Int(text), tail >= 0 else { return error(400, code: 3, "invalid logOptions.tailLines \(text)") }
            lines = Array(lines.suffix(tail))
        }
        let timestamps = query["logOptions.timestamps"] == "true"
        var body: [UInt8] = []
        for line in lines {
            let content = timestamps ? DemoCluster.logTimestamp(line.time) + " " + line.text : line.text
            let message = JSONValue.object([("result", .object([("content", .string(content)), ("podName", .string(podName))]))])
            if eventStream {
                body += Array("data: ".utf8) + message.serialized() + [10, 10]
            } else {
                body += message.serialized() + [10]
            }
        }
        return Response(status: 200, contentType: eventStream ? "text/event-stream" : "application/json", body: body)
    }

    func list(namespace: String, query: [String: String]) -> Response {
        let all = cluster.workflows(inNamespace: namespace)
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
        var metadata: [(String, JSONValue)] = [("resourceVersion", .string("4242"))]
        if !next.isEmpty { metadata.insert(("continue", .string(next)), at: 0) }
        let body: JSONValue = .object([("metadata", .object(metadata)), ("items", page.isEmpty ? .null : .array(page))])
        return json(FieldCleaner(query["fields"] ?? "").clean(body))
    }

    func json(_ value: JSONValue) -> Response { Response(status: 200, body: value.serialized()) }

    func error(_ status: Int, code: Int, _ message: String) -> Response {
        Response(status: status, body: JSONValue.object([("code", .int(code)), ("message", .string(message))]).serialized())
    }

    func reason(_ status: Int) -> String {
        [200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"][status] ?? "Status"
    }

    /// Splits `/path?a=b&c=d` and percent-decodes the query.
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

public struct DemoServerError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
