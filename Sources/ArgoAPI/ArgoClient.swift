import Foundation

/// What a typed call reports: it may retry (with the backoff it is waiting) before its final result.
public enum CallEvent<Value: Sendable>: Sendable {
    case retrying(APIError, attempt: Int, delay: Double)
    case resumed
    case done(Result<Value, APIError>, bytes: Int)
}

/// Typed Argo Server calls over a `CurlTransport`. Decoding happens off the worker thread; callbacks
/// arrive on a background queue and never on the caller's thread.
public final class ArgoClient: @unchecked Sendable {
    public let transport: CurlTransport
    public var settings: ConnectionSettings { transport.settings }
    /// Backoff before each retry of a read, in seconds; its length is the number of retries.
    public var retryDelays: [Double] = [0.5, 1, 2, 4]
    private let decodeQueue = DispatchQueue(label: "argotop.decode", qos: .userInitiated)

    /// - Parameter transferLog: where `--debug` writes a line per finished transfer.
    public init(settings: ConnectionSettings, transferLog: TransferLog? = nil) {
        transport = CurlTransport(settings: settings, transferLog: transferLog)
    }

    public func shutdown() { transport.shutdown() }

    /// - Parameter nameContains: Argo Server matches it (`nameFilter=Contains`); the Kubernetes API cannot, and the
    ///   caller checks names itself.
    public func listWorkflows(
        namespace: String, limit: Int, continueToken: String?, labelSelector: String? = nil, nameContains: String? = nil,
        handler: @escaping @Sendable (CallEvent<WorkflowList>) -> Void
    ) {
        let path = kube
            ? KubePaths.listWorkflows(namespace: namespace, limit: limit, continueToken: continueToken, labelSelector: labelSelector)
            : Endpoints.listWorkflows(
                namespace: namespace, limit: limit, continueToken: continueToken, labelSelector: labelSelector,
                nameContains: nameContains)
        readList(path, namespace: namespace, handler: handler)
    }

    /// One page of the workflows created after an instant, without nodes (candidates for children).
    public func listCreatedAfter(
        namespace: String, createdAfter: String, limit: Int, continueToken: String?,
        handler: @escaping @Sendable (CallEvent<WorkflowList>) -> Void
    ) {
        // The Kubernetes API has no createdAfter: the page comes whole and the older ones are dropped here.
        if kube {
            let after = Timestamp(rfc3339: createdAfter)?.seconds ?? -.infinity
            let path = KubePaths.listWorkflows(namespace: namespace, limit: limit, continueToken: continueToken)
            readList(path, namespace: namespace, keep: { ($0.metadata.creationTimestamp?.seconds ?? 0) > after }, handler: handler)
            return
        }
        let path = Endpoints.listCreatedAfter(namespace: namespace, createdAfter: createdAfter, limit: limit, continueToken: continueToken)
        read(path, namespace: namespace, as: WorkflowList.self, attempt: 0, handler: handler)
    }

    /// The namespaces that have workflows: from Argo Server, a list of every namespace's workflows that asks
    /// for their namespace alone; from the Kubernetes API, the namespaces themselves.
    public func listNamespaces(handler: @escaping @Sendable (CallEvent<[String]>) -> Void) {
        struct Names: Decodable {
            struct Item: Decodable {
                struct Meta: Decodable { var name: String?; var namespace: String? }
                var metadata: Meta?
            }
            var items: [Item]?
        }
        let kube = self.kube
        let path = kube ? "/api/v1/namespaces?limit=1000"
            : "/api/v1/workflows/" + Endpoints.queryString([("listOptions.limit", "5000"), ("fields", "items.metadata.namespace")])
        fetch(HTTPRequest(path: path), namespace: "", attempt: 0, decode: { response in
            ArgoClient.decodeJSON(response, as: Names.self).map { list in
                let names = (list.items ?? []).compactMap { kube ? $0.metadata?.name : $0.metadata?.namespace }
                return Array(Set(names.filter { !$0.isEmpty })).sorted()
            }
        }, handler: handler)
    }

    public func getWorkflow(
        namespace: String, name: String, handler: @escaping @Sendable (CallEvent<Workflow>) -> Void
    ) {
        let path = kube ? KubePaths.getWorkflow(namespace: namespace, name: name) : Endpoints.getWorkflow(namespace: namespace, name: name)
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: 0, decode: { response in
            ArgoClient.decodeJSON(response, as: Workflow.self).flatMap { $0.expandingCompressedNodes() }
        }, handler: handler)
    }

    /// The last `tailLines` lines (all when nil) of one container of a pod of a workflow; not followed.
    /// `eventStream` asks for server-sent events instead of one JSON message a line (both are read).
    public func podLog(
        namespace: String, name: String, podName: String, container: String = "main", tailLines: Int?,
        timestamps: Bool = false, eventStream: Bool = false,
        handler: @escaping @Sendable (CallEvent<PodLog>) -> Void
    ) {
        if kube {
            let path = KubePaths.podLog(
                namespace: namespace, podName: podName, container: container, follow: false, tailLines: tailLines,
                sinceTime: nil, timestamps: timestamps)
            fetch(HTTPRequest(path: path, accept: "text/plain"), namespace: namespace, attempt: 0,
                decode: { PodLog.decodePlain($0, podName: podName) }, handler: handler)
            return
        }
        let path = Endpoints.podLog(
            namespace: namespace, name: name, podName: podName, container: container, tailLines: tailLines,
            timestamps: timestamps)
        let request = HTTPRequest(path: path, accept: eventStream ? "text/event-stream" : "application/json")
        fetch(request, namespace: namespace, attempt: 0, decode: { PodLog.decode($0, namespace: namespace) }, handler: handler)
    }

    /// Whether the base URL is the Kubernetes API (workflows as custom resources) rather than Argo Server.
    var kube: Bool { settings.api == .kubernetes }

    /// A list page; from the Kubernetes API, where objects come whole, each item is trimmed to what a row
    /// shows (its nodes are dropped at once, so that a page of big workflows is not kept).
    /// `keep`: the items wanted (the others are dropped before they are kept anywhere).
    private func readList(
        _ path: String, namespace: String, keep: (@Sendable (Workflow) -> Bool)? = nil,
        handler: @escaping @Sendable (CallEvent<WorkflowList>) -> Void
    ) {
        let kube = self.kube
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: 0, decode: { response in
            ArgoClient.decodeJSON(response, as: WorkflowList.self).map { list in
                guard kube || keep != nil else { return list }
                var light = list
                light.items = list.items?.filter { keep?($0) ?? true }.map { kube ? ArgoClient.lighten($0) : $0 }
                return light
            }
        }, handler: handler)
    }

    /// A listed workflow without its nodes and templates (what Argo Server's `fields` leaves out for rows).
    static func lighten(_ workflow: Workflow) -> Workflow {
        var light = workflow
        light.status?.nodes = nil
        light.status?.compressedNodes = nil
        light.spec?.templates = nil
        return light
    }

    private func read<T: Decodable & Sendable>(
        _ path: String, namespace: String, as type: T.Type, attempt: Int,
        handler: @escaping @Sendable (CallEvent<T>) -> Void
    ) {
        fetch(HTTPRequest(path: path), namespace: namespace, attempt: attempt,
            decode: { ArgoClient.decodeJSON($0, as: type) }, handler: handler)
    }

    /// Sends a request, reads the answer with `decode`, and retries with backoff while the error allows.
    func fetch<T: Sendable>(
        _ request: HTTPRequest, namespace: String, attempt: Int,
        decode: @escaping @Sendable (HTTPResponse) -> Result<T, APIError>,
        handler: @escaping @Sendable (CallEvent<T>) -> Void
    ) {
        let server = settings.displayServer
        let delays = retryDelays
        transport.send(request) { [weak self] result in
            guard let self else { return }
            self.decodeQueue.async {
                let (outcome, bytes) = ArgoClient.interpret(result, server: server, namespace: namespace, decode: decode)
                if case .failure(let error) = outcome, error.isRetryable, attempt < delays.count {
                    let delay = delays[attempt]
                    handler(.retrying(error, attempt: attempt + 1, delay: delay))
                    DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                        handler(.resumed)
                        self.fetch(request, namespace: namespace, attempt: attempt + 1, decode: decode, handler: handler)
                    }
                    return
                }
                handler(.done(outcome, bytes: bytes))
            }
        }
    }

    /// Turns a raw exchange into a value or an error in words, reading a JSON document as `type`.
    public static func interpret<T: Decodable>(
        _ result: Result<HTTPResponse, TransportFailure>, as type: T.Type, server: String, namespace: String
    ) -> (Result<T, APIError>, Int) {
        interpret(result, server: server, namespace: namespace) { decodeJSON($0, as: type) }
    }

    /// Turns a raw exchange into a value or an error in words: transport failures and refusals (with
    /// Argo's `{"code","message"}`, plain text, or HTML from a proxy) here, a successful answer by `decode`.
    public static func interpret<T>(
        _ result: Result<HTTPResponse, TransportFailure>, server: String, namespace: String,
        decode: (HTTPResponse) -> Result<T, APIError>
    ) -> (Result<T, APIError>, Int) {
        switch result {
        case .failure(let failure):
            return (.failure(.transport(kind: failure.kind, detail: failure.detail, server: server)), 0)
        case .success(let response):
            let bytes = response.body.count
            guard (200..<300).contains(response.status) else {
                if looksJSON(response.body), let body = try? JSONDecoder().decode(ServerErrorBody.self, from: response.body) {
                    return (.failure(.http(status: response.status, message: body.message ?? body.error ?? "", namespace: namespace)), bytes)
                }
                if response.body.isEmpty || response.contentType.contains("text/plain") {
                    let text = String(decoding: response.body.prefix(200), as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    return (.failure(.http(status: response.status, message: text, namespace: namespace)), bytes)
                }
                return (.failure(.notJSON(status: response.status, contentType: response.contentType)), bytes)
            }
            return (decode(response), bytes)
        }
    }

    /// Reads a successful answer as one JSON document.
    public static func decodeJSON<T: Decodable>(_ response: HTTPResponse, as type: T.Type) -> Result<T, APIError> {
        guard looksJSON(response.body) else {
            return .failure(.notJSON(status: response.status, contentType: response.contentType))
        }
        do {
            // A workflow with its nodes: the fast decoder (same result as JSONDecoder, several times faster).
            if T.self == Workflow.self, let workflow = try FastWorkflowDecoder.decode(response.body) as? T { return .success(workflow) }
            return .success(try JSONDecoder().decode(T.self, from: response.body))
        } catch {
            // Say what came back: a document cut off (a proxy or a dropped connection) or one that is not JSON.
            let size = CurlTransport.byteSize(response.body.count)
            if ArgoClient.looksCutOff(response.body) {
                return .failure(.malformed(detail: "cut off after \(size) (HTTP \(response.status))"))
            }
            return .failure(.malformed(detail: "\(describe(error)) (HTTP \(response.status), \(size))"))
        }
    }

    /// Whether a JSON document ends before it is closed: an object, array or string still open at the end.
    static func looksCutOff(_ body: Data) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in body {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return inString || depth > 0
    }

    static func looksJSON(_ body: Data) -> Bool {
        body.first(where: { !($0 == 32 || $0 == 10 || $0 == 13 || $0 == 9) }).map {
            $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[")
        } ?? false
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            return "corrupted or truncated data" + path(context.codingPath)
        case DecodingError.keyNotFound(let key, let context):
            return "missing field \(key.stringValue)" + path(context.codingPath)
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "unexpected value" + path(context.codingPath)
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "" : " at " + keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
