import Foundation

/// Everything that can go wrong talking to Argo Server, each with a message a person can act on.
public enum APIError: Error, Equatable, Sendable, CustomStringConvertible {
    case transport(kind: TransportFailure.Kind, detail: String, server: String)
    case http(status: Int, message: String, namespace: String)
    case notJSON(status: Int, contentType: String)
    case malformed(detail: String)

    public var description: String {
        switch self {
        case .transport(let kind, let detail, let server):
            switch kind {
            case .dns: return "cannot resolve the server's name (\(server)): \(detail)"
            case .unreachable: return "cannot reach \(server): \(detail)"
            case .tls(let problem):
                // The problem and its remedy first: the screen's status line is cut at its width.
                return problem.advice(server: server) + ". " + (problem == .other ? detail : "\(server): \(detail)")
            case .timeout: return "\(server) stopped answering: \(detail)"
            case .reset: return "connection to \(server) broke off: \(detail)"
            case .tooLarge: return "the server's answer was too large and was cut off: \(detail)"
            case .other: return "request to \(server) failed: \(detail)"
            }
        case .http(let status, let message, let namespace):
            let text = message.isEmpty ? "" : ": \(message)"
            // What to do comes first, so that a status line cut at the width still says it.
            let said = message.isEmpty ? "" : " (the server said: \(message))"
            switch status {
            case 401:
                return "401 Unauthorized: token missing or expired: run argo auth token, set ARGO_TOKEN or --token\(said)"
            case 403:
                return "403 Forbidden: your account may not read workflows in namespace \(namespace.isEmpty ? "(all namespaces)" : namespace)\(said)"
            case 404: return "404 Not Found\(text)"
            default: return "server error \(status)\(text)"
            }
        case .notJSON(let status, let contentType):
            let kind = contentType.isEmpty ? "a non-JSON answer" : "\(contentType.split(separator: ";").first ?? "") instead of JSON"
            return "HTTP \(status): the server sent \(kind) (a proxy in the way?)"
        case .malformed(let detail):
            return "the server's JSON could not be read: \(detail)"
        }
    }

    /// Reads may be tried again after this error; refusals (4xx) and bad data may not.
    public var isRetryable: Bool {
        switch self {
        case .transport(let kind, _, _):
            if case .tls = kind { return false }
            return kind != .tooLarge
        case .http(let status, _, _): return status >= 500 || status == 429
        case .notJSON(let status, _): return status >= 500
        case .malformed: return false
        }
    }
}
