import Foundation

/// Where and how to reach Argo Server, resolved the way the `argo` CLI resolves it.
public struct ConnectionSettings: Equatable, Sendable {
    /// Scheme, host, port and base path, without a trailing slash: `https://argo.example.com:2746/argo`.
    public var baseURL: String
    /// The whole Authorization header value (`Bearer …`), or nil. Never printed.
    public var authorization: String?
    /// Namespace to browse; empty means all namespaces.
    public var namespace: String
    public var insecureSkipVerify: Bool
    public var extraHeaders: [String]
    /// Which API the base URL serves: Argo Server's, or the Kubernetes API's (workflows as custom resources).
    public var api: APIKind = .argoServer
    /// A PEM file of CA certificates to verify the server with (instead of the system's).
    public var caFile: String?
    /// A client certificate and its key (PEM files), for servers that authenticate clients by certificate.
    public var clientCertFile: String?
    public var clientKeyFile: String?
    /// `ARGO_HTTP1=true`: speak HTTP/1.1 only (some proxies in front of Argo Server break HTTP/2).
    public var http1Only = false

    public enum APIKind: String, Equatable, Sendable { case argoServer, kubernetes }

    public init(
        baseURL: String, authorization: String? = nil, namespace: String = "default",
        insecureSkipVerify: Bool = false, extraHeaders: [String] = []
    ) {
        self.baseURL = baseURL
        self.authorization = authorization
        self.namespace = namespace
        self.insecureSkipVerify = insecureSkipVerify
        self.extraHeaders = extraHeaders
    }

    /// Flags given on the command line; nil means not given.
    public struct Flags: Equatable, Sendable {
        public var server: String?
        public var token: String?
        public var namespace: String?
        public var allNamespaces = false
        public var insecureSkipVerify = false
        public var headers: [String] = []
        /// `--ca-file`, `--client-cert`, `--client-key`: PEM files.
        public var caFile: String?
        public var clientCertFile: String?
        public var clientKeyFile: String?
        public init() {}
    }

    /// Resolves flags over the environment: `--server URL` wins over `ARGO_SERVER` (host:port, TLS unless
    /// `ARGO_SECURE=false`, path prefix `ARGO_BASE_HREF`); `--token` over `ARGO_TOKEN`; `-A`, then `-n`, then
    /// `ARGO_NAMESPACE`, then `default`. TLS files must be readable; a key needs its certificate (a
    /// certificate alone may hold its key).
    public static func resolve(flags: Flags, environment: [String: String]) throws -> ConnectionSettings {
        let base: String
        if let server = flags.server, !server.isEmpty {
            guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
                throw UsageError("--server wants a full URL such as http://127.0.0.1:2746, not \(server)")
            }
            base = server
        } else if let hostPort = environment["ARGO_SERVER"], !hostPort.isEmpty {
            let secure = (environment["ARGO_SECURE"] ?? "true").lowercased() != "false"
            let host = hostPort.hasPrefix("http://") || hostPort.hasPrefix("https://")
                ? hostPort : (secure ? "https://" : "http://") + hostPort
            var href = environment["ARGO_BASE_HREF"] ?? ""
            if !href.isEmpty && !href.hasPrefix("/") { href = "/" + href }
            base = host + href
        } else {
            throw UsageError(
                "no Argo Server configured: give --server URL, set ARGO_SERVER=host:port, or try argotop --demo")
        }
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }

        let token = flags.token ?? environment["ARGO_TOKEN"]
        let namespace: String
        if flags.allNamespaces {
            namespace = ""
        } else {
            namespace = flags.namespace ?? environment["ARGO_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        }
        let insecure = flags.insecureSkipVerify
            || (environment["ARGO_INSECURE_SKIP_VERIFY"] ?? "").lowercased() == "true"
        if flags.clientKeyFile != nil && flags.clientCertFile == nil {
            throw UsageError("--client-key needs --client-cert (the certificate that goes with the key)")
        }
        for (flag, path) in [("--ca-file", flags.caFile), ("--client-cert", flags.clientCertFile), ("--client-key", flags.clientKeyFile)] {
            guard let path else { continue }
            guard FileManager.default.isReadableFile(atPath: path) else { throw UsageError("\(flag): cannot read \(path)") }
        }
        var settings = ConnectionSettings(
            baseURL: trimmed, authorization: token.flatMap(normalizeToken), namespace: namespace,
            insecureSkipVerify: insecure, extraHeaders: flags.headers)
        settings.caFile = flags.caFile
        settings.clientCertFile = flags.clientCertFile
        settings.clientKeyFile = flags.clientKeyFile
        settings.http1Only = (environment["ARGO_HTTP1"] ?? "").lowercased() == "true"
        return settings
    }

    /// Accepts a token with or without the `Bearer ` prefix (or any other scheme such as `Basic`).
    public static func normalizeToken(_ raw: String) -> String? {
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if token.isEmpty { return nil }
        if token.contains(" ") { return token }
        return "Bearer " + token
    }

    /// The server as shown on screen: scheme, host, port and path, never credentials.
    public var displayServer: String {
        guard let schemeEnd = baseURL.range(of: "://") else { return baseURL }
        var rest = baseURL[schemeEnd.upperBound...]
        if let at = rest.firstIndex(of: "@"), !rest[..<at].contains("/") {
            rest = rest[rest.index(after: at)...]
        }
        return String(baseURL[..<schemeEnd.upperBound]) + rest
    }
}

/// A mistake in how argotop was started, with a message for the user.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Descriptions show where and how argotop connects, never the Authorization value or header values.
extension ConnectionSettings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var parts = [
            "api \(api.rawValue)", "server \(displayServer)", "namespace \(namespace.isEmpty ? "(all)" : namespace)",
            "authorization \(authorization == nil ? "none" : "set")",
        ]
        if insecureSkipVerify { parts.append("insecure-skip-verify") }
        if let caFile { parts.append("ca \(caFile)") }
        if let clientCertFile { parts.append("client-certificate \(clientCertFile)") }
        if let clientKeyFile { parts.append("client-key \(clientKeyFile)") }
        let headerNames = extraHeaders.map { $0.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "" }
        if !headerNames.isEmpty { parts.append("headers \(headerNames.joined(separator: ", "))") }
        return "ConnectionSettings(" + parts.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
