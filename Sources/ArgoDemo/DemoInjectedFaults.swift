import Foundation

/// A fault the demo server answers a family of requests with, instead of the real answer: for tests of how a
/// client fails (`argotop --demo-fault KIND[:TARGET][:once|:N]`).
public struct DemoFault: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An Argo-style JSON refusal `{"code":…,"message":…}` with this status.
        case status(Int)
        /// A proxy's HTML page with status 502.
        case html502
        /// 200 with a JSON body cut in half (a consistent Content-Length: the HTTP exchange is fine, the JSON not).
        case truncated
        /// 200 with invalid JSON.
        case malformed
        /// The connection is reset in the middle of the body.
        case reset
        /// Headers and part of the body, then silence until the client leaves.
        case stall
        /// A 200 body that never ends (zeros as JSON whitespace), larger than any cap.
        case huge
    }

    /// Which endpoint family a fault hits.
    public enum Target: String, Sendable, CaseIterable { case list, get, watch, log }

    public var kind: Kind
    /// nil: every family.
    public var target: Target?
    /// How many more times it fires; nil: always.
    public var remaining: Int?

    public init(kind: Kind, target: Target? = nil, remaining: Int? = nil) {
        self.kind = kind
        self.target = target
        self.remaining = remaining
    }

    /// Reads `KIND[:TARGET][:once|:N]`, KIND one of `status:401|403|404|500|503`, `html502`, `truncated`,
    /// `malformed`, `reset`, `stall`, `huge`.
    public init?(parsing text: String) {
        var parts = text.split(separator: ":").map(String.init)
        guard !parts.isEmpty else { return nil }
        let first = parts.removeFirst()
        switch first {
        case "status":
            guard !parts.isEmpty, let code = Int(parts.removeFirst()), (400...599).contains(code) else { return nil }
            kind = .status(code)
        case "html502": kind = .html502
        case "truncated": kind = .truncated
        case "malformed": kind = .malformed
        case "reset": kind = .reset
        case "stall": kind = .stall
        case "huge": kind = .huge
        default: return nil
        }
        target = nil
        remaining = nil
        if let next = parts.first, let t = Target(rawValue: next) {
            target = t
            parts.removeFirst()
        }
        if let next = parts.first {
            if next == "once" {
                remaining = 1
            } else if let n = Int(next), n > 0 {
                remaining = n
            } else {
                return nil
            }
            parts.removeFirst()
        }
        guard parts.isEmpty else { return nil }
    }
}

extension DemoServer {
    /// Adds a fault; the first that matches a request (and still has firings left) answers it.
    public func inject(_ fault: DemoFault) {
        lock.withLock { injected.append(fault) }
    }

    /// The family of a request target, if it is one faults can hit.
    static func faultTarget(_ target: String) -> DemoFault.Target? {
        let (path, _) = split(target)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard segments.count >= 4, segments[1] == "api", segments[2] == "v1" else { return nil }
        switch segments[3] {
        case "workflow-events": return .watch
        case "workflows":
            switch segments.count {
            case 4, 5: return .list
            case 6: return .get
            case 7 where segments[6] == "log": return .log
            default: return nil
            }
        default: return nil
        }
    }

    /// Takes the fault for this request, counting it down.
    func takeInjectedFault(for target: String) -> DemoFault? {
        guard let family = DemoServer.faultTarget(target) else { return nil }
        return lock.withLock {
            guard let index = injected.firstIndex(where: { ($0.target == nil || $0.target == family) && ($0.remaining ?? 1) > 0 }) else {
                return nil
            }
            let fault = injected[index]
            if let left = fault.remaining { injected[index].remaining = left - 1 }
            return fault
        }
    }

    /// Answers a request with `fault`; the connection is closed afterwards.
    func serveFault(_ connection: DemoConnection, _ fault: DemoFault, method: String, target: String, headers: [String: String]) {
        let family = DemoServer.faultTarget(target)
        let streaming = family == .watch || (family == .log && target.contains("logOptions.follow=true"))
        // A body of the right shape to cut: the real answer for plain calls, a watch event for streams.
        func realBody() -> [UInt8] {
            if streaming {
                return Array(#"{"result":{"type":"MODIFIED","object":{"metadata":{"name":"fault","namespace":"argo"}}}}"#.utf8) + [10]
            }
            let answer = respond(method: method, target: target, headers: headers)
            return answer.body.count >= 16 ? answer.body : Array(#"{"metadata":{"resourceVersion":"1"},"items":null}"#.utf8)
        }
        let json = "application/json"
        switch fault.kind {
        case .status(let code):
            connection.answer(code, contentType: json, body: faultRefusal(code, target: target).body, close: true)
        case .html502:
            let body = Array("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n".utf8)
            connection.answer(502, contentType: "text/html", body: body, close: true)
        case .truncated:
            // Whole by its length, but only the first half of the JSON.
            let body = realBody()
            connection.answer(200, contentType: json, body: Array(body.prefix(body.count / 2)), close: true)
        case .malformed:
            let body = Array(#"{"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"x"},,]}"#.utf8) + [10]
            connection.answer(200, contentType: json, body: body, close: true)
        case .reset:
            // Half the body its length promises, then a TCP reset instead of an orderly end.
            let body = realBody()
            if connection.head(200, contentType: json, length: body.count, close: true) {
                connection.body(Array(body.prefix(body.count / 2)))
            }
            connection.reset()
        case .stall:
            // Half the body, then silence until the client gives up (or two minutes pass).
            let body = realBody()
            if connection.head(200, contentType: json, length: body.count, close: true) {
                connection.body(Array(body.prefix(body.count / 2)))
                connection.waitForClientToLeave(seconds: 120) { isStopped }
            }
            connection.close()
        case .huge:
            // A JSON array of zeros that goes on until the client hangs up (at most 4 GiB), never held in memory.
            if connection.head(200, contentType: json, length: nil, close: true), connection.body(Array("[".utf8)) {
                let piece = Array(String(repeating: "0,", count: 32 * 1024).utf8)
                var sent = 0
                while sent < 1 << 32, !isStopped, connection.body(piece) { sent += piece.count }
            }
            connection.close()
        }
    }

    /// Argo Server's words for a refusal with this status.
    func faultRefusal(_ code: Int, target: String) -> Response {
        let (path, _) = DemoServer.split(target)
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let namespace = segments.count > 4 ? segments[4] : ""
        let name = segments.count > 5 ? segments[5] : ""
        switch code {
        case 401: return error(401, code: 16, "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/")
        case 403:
            let verb = DemoServer.faultTarget(target) == .get || DemoServer.faultTarget(target) == .log ? "get" : "list"
            return error(403, code: 7, "workflows.argoproj.io is forbidden: User \"system:serviceaccount:argo:demo\" cannot \(verb) resource \"workflows\" in API group \"argoproj.io\" in the namespace \"\(namespace)\"")
        case 404: return error(404, code: 5, name.isEmpty ? "not found" : "workflows.argoproj.io \"\(name)\" not found")
        case 503: return error(503, code: 14, "the server is currently unable to handle the request")
        default: return error(code, code: 13, "rpc error: code = Internal desc = injected fault")
        }
    }
}
