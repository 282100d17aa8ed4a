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

    public init(settings: ConnectionSettings) {
        transport = CurlTransport(settings: settings)
    }

    public func shutdown() { transport.shutdown() }

    public func listWorkflows(
        namespace: String, limit: Int, continueToken: String?,
        handler: @escaping @Sendable (CallEvent<WorkflowList>) -> Void
    ) {
        let path = Endpoints.listWorkflows(namespace: namespace, limit: limit, continueToken: continueToken)
        read(path, namespace: namespace, as: WorkflowList.self, attempt: 0, handler: handler)
    }

    public func getWorkflow(
        namespace: String, name: String, handler: @escaping @Sendable (CallEvent<Workflow>) -> Void
    ) {
        read(Endpoints.getWorkflow(namespace: namespace, name: name), namespace: namespace, as: Workflow.self,
            attempt: 0, handler: handler)
    }

    private func read<T: Decodable & Sendable>(
        _ path: String, namespace: String, as type: T.Type, attempt: Int,
        handler: @escaping @Sendable (CallEvent<T>) -> Void
    ) {
        let server = settings.displayServer
        let delays = retryDelays
        transport.send(HTTPRequest(path: path)) { [weak self] result in
            guard let self else { return }
            self.decodeQueue.async {
                let (outcome, bytes) = ArgoClient.interpret(result, as: type, server: server, namespace: namespace)
                if case .failure(let error) = outcome, error.isRetryable, attempt < delays.count {
                    let delay = delays[attempt]
                    handler(.retrying(error, attempt: attempt + 1, delay: delay))
                    DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                        handler(.resumed)
                        self.read(path, namespace: namespace, as: type, attempt: attempt + 1, handler: handler)
                    }
                    return
                }
                handler(.done(outcome, bytes: bytes))
            }
        }
    }

    /// Turns a raw exchange into a value or an error in words.
    public static func interpret<T: Decodable>(
        _ result: Result<HTTPResponse, TransportFailure>, as type: T.Type, server: String, namespace: String
    ) -> (Result<T, APIError>, Int) {
        switch result {
        case .failure(let failure):
            return (.failure(.transport(kind: failure.kind, detail: failure.detail, server: server)), 0)
        case .success(let response):
            let bytes = response.body.count
            let looksJSON = response.body.first(where: { !($0 == 32 || $0 == 10 || $0 == 13 || $0 == 9) }).map {
                $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[")
            } ?? false
            guard (200..<300).contains(response.status) else {
                if looksJSON, let body = try? JSONDecoder().decode(ServerErrorBody.self, from: response.body) {
                    return (.failure(.http(status: response.status, message: body.message ?? body.error ?? "", namespace: namespace)), bytes)
                }
                if response.body.isEmpty || response.contentType.contains("text/plain") {
                    let text = String(decoding: response.body.prefix(200), as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    return (.failure(.http(status: response.status, message: text, namespace: namespace)), bytes)
                }
                return (.failure(.notJSON(status: response.status, contentType: response.contentType)), bytes)
            }
            guard looksJSON else {
                return (.failure(.notJSON(status: response.status, contentType: response.contentType)), bytes)
            }
            do {
                return (.success(try JSONDecoder().decode(T.self, from: response.body)), bytes)
            } catch {
                return (.failure(.malformed(detail: describe(error))), bytes)
            }
        }
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
