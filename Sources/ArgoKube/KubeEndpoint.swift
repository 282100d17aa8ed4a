import ArgoAPI
import Foundation

/// A Kubernetes API server and how to authenticate to it, resolved from one kubeconfig context.
/// Its description shows the server, namespace and files, never the token or password.
public struct KubeEndpoint: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var context: String
    public var cluster: String
    public var user: String
    /// Scheme, host, port and path, without a trailing slash.
    public var server: String
    public var namespace: String
    public var insecureSkipTLSVerify: Bool
    /// PEM files; `*-data` fields and exec plugin certificates are written to private temporary files first.
    public var caFile: String?
    public var clientCertFile: String?
    public var clientKeyFile: String?
    public var credential: Credential
    /// When an exec plugin's credential expires (resolve again after it).
    public var credentialExpiry: Date?

    public enum Credential: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        case none
        case bearer(token: String)
        case basic(username: String, password: String)

        public var description: String {
            switch self {
            case .none: return "none"
            case .bearer: return "bearer token"
            case .basic: return "basic auth"
            }
        }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["kind": description]) }
    }

    public init(
        context: String, cluster: String, user: String, server: String, namespace: String,
        insecureSkipTLSVerify: Bool = false, caFile: String? = nil, clientCertFile: String? = nil,
        clientKeyFile: String? = nil, credential: Credential = .none, credentialExpiry: Date? = nil
    ) {
        self.context = context
        self.cluster = cluster
        self.user = user
        self.server = server
        self.namespace = namespace
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.caFile = caFile
        self.clientCertFile = clientCertFile
        self.clientKeyFile = clientKeyFile
        self.credential = credential
        self.credentialExpiry = credentialExpiry
    }

    /// The Authorization header value: `Bearer <token>`, `Basic <base64(user:password)>`, or nil.
    public var authorization: String? {
        switch credential {
        case .none: return nil
        case .bearer(let token): return "Bearer " + token
        case .basic(let username, let password): return "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        }
    }

    /// Settings for the Kubernetes API (`api = .kubernetes`): the server as base URL, the credential as the
    /// Authorization header, the CA and client certificate files, the namespace.
    public func connectionSettings(extraHeaders: [String] = []) -> ConnectionSettings {
        var settings = ConnectionSettings(
            baseURL: server, authorization: authorization, namespace: namespace,
            insecureSkipVerify: insecureSkipTLSVerify, extraHeaders: extraHeaders)
        settings.api = .kubernetes
        settings.caFile = caFile
        settings.clientCertFile = clientCertFile
        settings.clientKeyFile = clientKeyFile
        return settings
    }

    public var description: String {
        var parts = [
            "context \(context)", "server \(server)", "namespace \(namespace.isEmpty ? "(all)" : namespace)",
            "auth \(credential)",
        ]
        if insecureSkipTLSVerify { parts.append("insecure-skip-tls-verify") }
        if let caFile { parts.append("ca \(caFile)") }
        if let clientCertFile { parts.append("client-certificate \(clientCertFile)") }
        if let clientKeyFile { parts.append("client-key \(clientKeyFile)") }
        if let credentialExpiry { parts.append("expires \(credentialExpiry)") }
        return "KubeEndpoint(" + parts.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}

extension KubeConfig {
    /// Resolves a context (`context`, else `current-context`) into an endpoint.
    ///
    /// The namespace is `namespaceOverride` when given (empty means all namespaces), else the context's, else
    /// `default`. Credentials, first that is set: `token`, `tokenFile`, `username`/`password`, an exec plugin
    /// (cached in `credentialCache` until it expires); client certificates come from `client-certificate(-data)`
    /// and `client-key(-data)` or from the plugin. Inline `*-data` is written to private files in `secretFiles`.
    public func resolve(context name: String? = nil, namespaceOverride: String? = nil) throws -> KubeEndpoint {
        let contextName: String
        if let name, !name.isEmpty {
            contextName = name
        } else if let currentContext, !currentContext.isEmpty {
            contextName = currentContext
        } else {
            throw KubeConfigError.noCurrentContext(known: contextNames)
        }
        guard let context = contexts[contextName] else {
            throw KubeConfigError.unknownContext(contextName, known: contextNames)
        }
        guard !context.cluster.isEmpty, let cluster = clusters[context.cluster] else {
            throw KubeConfigError.missingCluster(context: contextName, cluster: context.cluster)
        }
        let user: User
        if context.user.isEmpty {
            user = User(file: context.file)  // no user: anonymous, as kubectl allows
        } else if let named = users[context.user] {
            user = named
        } else {
            throw KubeConfigError.missingUser(context: contextName, user: context.user)
        }

        var endpoint = KubeEndpoint(
            context: contextName, cluster: context.cluster, user: context.user,
            server: try server(of: cluster, named: context.cluster),
            namespace: namespaceOverride ?? context.namespace ?? "default",
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify)

        // The CA: inline data first, as client-go prefers it, else the file.
        if let data = cluster.certificateAuthorityData, !data.isEmpty {
            let pem = try decodeBase64(data) {
                KubeConfigError.invalidCluster(cluster: context.cluster, reason: "certificate-authority-data is not valid base64")
            }
            endpoint.caFile = try writeSecret(pem, name: "ca.crt") {
                KubeConfigError.invalidCluster(cluster: context.cluster, reason: $0)
            }
        } else if let path = cluster.certificateAuthority, !path.isEmpty {
            let resolved = Self.resolvePath(path, relativeTo: cluster.file)
            guard Self.isReadableFile(resolved) else {
                throw KubeConfigError.invalidCluster(
                    cluster: context.cluster, reason: "certificate-authority \(resolved) does not exist or cannot be read")
            }
            endpoint.caFile = resolved
        }

        let userName = context.user
        func invalid(_ reason: String) -> KubeConfigError { .invalidUser(user: userName, reason: reason) }

        // Client certificate and key from the kubeconfig.
        endpoint.clientCertFile = try pemFile(
            path: user.clientCertificate, data: user.clientCertificateData, field: "client-certificate",
            name: "client.crt", file: user.file, invalid: invalid)
        endpoint.clientKeyFile = try pemFile(
            path: user.clientKey, data: user.clientKeyData, field: "client-key", name: "client.key",
            file: user.file, invalid: invalid)

        // The Authorization header.
        if let token = user.token, !token.isEmpty {
            endpoint.credential = .bearer(token: token)
        } else if let tokenFile = user.tokenFile, !tokenFile.isEmpty {
            let path = Self.resolvePath(tokenFile, relativeTo: user.file)
            let data: Data
            do {
                data = try Self.readRegularFile(path, limit: 1 << 20)
            } catch let failure as ReadFailure {
                throw invalid("cannot read tokenFile \(path): \(failure.words)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw invalid("tokenFile \(path) is empty") }
            endpoint.credential = .bearer(token: token)
        } else if let username = user.username, !username.isEmpty {
            endpoint.credential = .basic(username: username, password: user.password ?? "")
        } else if let exec = user.exec {
            let credential = try execCredential(exec, user: user, userName: userName, invalid: invalid)
            if let token = credential.token { endpoint.credential = .bearer(token: token) }
            if let cert = credential.clientCertificateData, let key = credential.clientKeyData {
                endpoint.clientCertFile = try writeSecret(Data(cert.utf8), name: "exec-client.crt", invalid)
                endpoint.clientKeyFile = try writeSecret(Data(key.utf8), name: "exec-client.key", invalid)
            }
            endpoint.credentialExpiry = credential.expirationTimestamp
        } else if let provider = user.authProvider, endpoint.clientCertFile == nil {
            throw invalid(
                "the auth-provider \(provider) is not supported; use an exec credential plugin (as kubectl now does)")
        }

        if (endpoint.clientCertFile == nil) != (endpoint.clientKeyFile == nil) {
            throw invalid(
                endpoint.clientCertFile == nil
                    ? "client-key is set without client-certificate" : "client-certificate is set without client-key")
        }
        return endpoint
    }

    // MARK: - Parts

    /// The server URL without trailing slashes; `host:port` without a scheme means https, as client-go takes it.
    func server(of cluster: Cluster, named name: String) throws -> String {
        guard var server = cluster.server?.trimmingCharacters(in: .whitespaces), !server.isEmpty else {
            throw KubeConfigError.invalidCluster(cluster: name, reason: "it has no server")
        }
        if !server.contains("://") {
            server = "https://" + server
        }
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw KubeConfigError.invalidCluster(cluster: name, reason: "its server is not an http or https URL")
        }
        while server.hasSuffix("/") { server.removeLast() }
        guard let schemeEnd = server.range(of: "://"), schemeEnd.upperBound < server.endIndex else {
            throw KubeConfigError.invalidCluster(cluster: name, reason: "its server URL has no host")
        }
        return server
    }

    func pemFile(
        path: String?, data: String?, field: String, name: String, file: String,
        invalid: (String) -> KubeConfigError
    ) throws -> String? {
        if let data, !data.isEmpty {
            let pem = try decodeBase64(data) { invalid("\(field)-data is not valid base64") }
            return try writeSecret(pem, name: name, invalid)
        }
        if let path, !path.isEmpty {
            let resolved = Self.resolvePath(path, relativeTo: file)
            guard Self.isReadableFile(resolved) else {
                throw invalid("\(field) \(resolved) does not exist or cannot be read")
            }
            return resolved
        }
        return nil
    }

    func execCredential(
        _ exec: ExecConfig, user: User, userName: String, invalid: (String) -> KubeConfigError
    ) throws -> ExecCredential {
        guard !exec.command.isEmpty else { throw invalid("its exec plugin names no command") }
        guard ExecPlugin.apiVersions.contains(exec.apiVersion) else {
            throw invalid(
                "its exec plugin asks for apiVersion \"\(exec.apiVersion.prefix(80))\"; supported: "
                    + ExecPlugin.apiVersions.joined(separator: ", "))
        }
        guard allowExec else { throw KubeConfigError.execDisabled(user: userName, command: exec.command) }
        guard let executable = ExecPlugin.executable(for: exec, configFile: user.file, environment: environment) else {
            var reason = exec.command.contains("/") ? "was not found or is not executable" : "was not found in PATH"
            if let hint = exec.installHint, !hint.isEmpty { reason += "\n" + hint }
            throw KubeConfigError.execFailed(user: userName, command: exec.command, reason: reason)
        }
        let timeout = execTimeout
        let environment = environment
        return try credentialCache.credential(for: ExecPlugin.cacheKey(exec, executable: executable)) {
            try ExecPlugin.run(exec, executable: executable, user: userName, environment: environment, timeout: timeout)
        }
    }

    func decodeBase64(_ text: String, invalid: () -> KubeConfigError) throws -> Data {
        let compact = String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) })
        guard let data = Data(base64Encoded: compact) else { throw invalid() }
        return data
    }

    func writeSecret(_ data: Data, name: String, _ invalid: (String) -> KubeConfigError) throws -> String {
        do {
            return try secretFiles.write(data, name: name)
        } catch {
            throw invalid("\(error)")
        }
    }

    static func isReadableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, R_OK) == 0
    }
}
