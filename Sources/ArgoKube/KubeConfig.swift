import Foundation
import Yams

/// One or more kubeconfig files merged the way kubectl merges them: for clusters, users and contexts the first
/// file that defines a name wins; `current-context` comes from the first file that sets it.
///
/// Reading is lenient about keys it does not know (`preferences`, `extensions`, `proxy-url`, …). Credentials stay
/// in memory; descriptions of this value and of its parts never show them.
public struct KubeConfig: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public struct Cluster: Equatable, Sendable {
        public var server: String?
        /// A PEM file; a relative path is resolved against the directory of `file`.
        public var certificateAuthority: String?
        /// Base64 of PEM data.
        public var certificateAuthorityData: String?
        public var insecureSkipTLSVerify: Bool
        /// The kubeconfig file that defined this cluster (relative paths start from its directory).
        public var file: String

        public init(
            server: String? = nil, certificateAuthority: String? = nil, certificateAuthorityData: String? = nil,
            insecureSkipTLSVerify: Bool = false, file: String = ""
        ) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.file = file
        }
    }

    /// The `user` of a kubeconfig `users` entry. Its description names which credentials are set, never their values.
    public struct User: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: String?
        public var clientKey: String?
        public var clientKeyData: String?
        public var username: String?
        public var password: String?
        public var exec: ExecConfig?
        /// The name of a legacy `auth-provider` (gcp, azure, oidc): not supported, told in words.
        public var authProvider: String?
        public var file: String

        public init(file: String = "") { self.file = file }

        public var description: String {
            var set: [String] = []
            if token != nil { set.append("token") }
            if let tokenFile { set.append("tokenFile \(tokenFile)") }
            if let clientCertificate { set.append("client-certificate \(clientCertificate)") }
            if clientCertificateData != nil { set.append("client-certificate-data") }
            if let clientKey { set.append("client-key \(clientKey)") }
            if clientKeyData != nil { set.append("client-key-data") }
            if username != nil { set.append("username") }
            if password != nil { set.append("password") }
            if let exec { set.append("exec \(exec.command)") }
            if let authProvider { set.append("auth-provider \(authProvider)") }
            return "User(" + set.joined(separator: ", ") + ")"
        }
        public var debugDescription: String { description }
        public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
    }

    /// An exec credential plugin (`client.authentication.k8s.io/v1` or `v1beta1`).
    public struct ExecConfig: Equatable, Sendable {
        public var apiVersion: String
        /// A name looked up in PATH, or a path (a relative one with a `/` starts from the kubeconfig's directory).
        public var command: String
        public var args: [String]
        public var env: [EnvVar]
        public var installHint: String?

        public struct EnvVar: Equatable, Sendable {
            public var name: String
            public var value: String
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }

        public init(
            apiVersion: String, command: String, args: [String] = [], env: [EnvVar] = [], installHint: String? = nil
        ) {
            self.apiVersion = apiVersion
            self.command = command
            self.args = args
            self.env = env
            self.installHint = installHint
        }
    }

    public struct Context: Equatable, Sendable {
        public var cluster: String
        public var user: String
        public var namespace: String?
        public var file: String

        public init(cluster: String, user: String, namespace: String? = nil, file: String = "") {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
            self.file = file
        }
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String?
    /// The files that were read, in order (missing ones are left out).
    public var files: [String] = []

    // How `resolve` behaves.
    /// Whether `resolve` may run exec credential plugins (off for fuzzing).
    public var allowExec = true
    /// Where exec credentials are kept until they expire.
    public var credentialCache: KubeCredentialCache = .shared
    /// Where `*-data` fields and exec-provided certificates are written (private files, mode 0600).
    public var secretFiles: KubeSecretFiles = .shared
    /// The environment exec plugins inherit (and whose PATH finds them).
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    /// How long an exec plugin may run before it is stopped.
    public var execTimeout: TimeInterval = 60

    public init() {}

    /// Context names, sorted.
    public var contextNames: [String] { contexts.keys.sorted() }

    public var description: String {
        "KubeConfig(files: \(files), current-context: \(currentContext ?? "none"), contexts: \(contextNames), "
            + "clusters: \(clusters.keys.sorted()), users: \(users.keys.sorted()))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }

    // MARK: - Which files

    /// The files kubectl would read: `--kubeconfig PATH` alone when given, else the `:`-separated `KUBECONFIG`
    /// list (empty entries and repeats dropped), else `$HOME/.kube/config`.
    public static func paths(kubeconfigFlag: String?, environment: [String: String]) -> [String] {
        if let flag = kubeconfigFlag, !flag.isEmpty { return [flag] }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            let paths = list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
                .filter { seen.insert($0).inserted }
            if !paths.isEmpty { return paths }
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return [(home.hasSuffix("/") ? String(home.dropLast()) : home) + "/.kube/config"]
    }

    /// Reads the files `paths(kubeconfigFlag:environment:)` names.
    public static func load(kubeconfigFlag: String?, environment: [String: String]) throws -> KubeConfig {
        var config = try load(paths: paths(kubeconfigFlag: kubeconfigFlag, environment: environment))
        config.environment = environment
        return config
    }

    /// Reads and merges kubeconfig files in order. Missing files are skipped; if none exists, that is an error.
    /// A file that cannot be read or is not valid YAML is an error naming the file, never showing its content.
    public static func load(paths: [String]) throws -> KubeConfig {
        var merged = KubeConfig()
        var any = false
        for path in paths where !path.isEmpty {
            let absolute = absolutePath(path)
            guard let data = try readFile(absolute, displayName: path) else { continue }
            any = true
            merged.merge(try parse(data: data, file: absolute))
        }
        guard any else { throw KubeConfigError.noKubeconfig(paths: paths) }
        return merged
    }

    /// Parses one kubeconfig file's bytes; `file` names it in errors and anchors its relative paths.
    public static func parse(data: Data, file: String) throws -> KubeConfig {
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeConfigError.unreadable(file: file, reason: "not UTF-8 text")
        }
        let root: Node?
        do {
            root = try composeBounded(text, file: file)
        } catch let error as KubeConfigError {
            throw error
        } catch {
            throw invalidYAML(error, file: file)
        }
        var config = KubeConfig()
        config.files = [file]
        guard let root else { return config }  // an empty file is an empty kubeconfig
        guard let top = root.mapping else {
            if isNull(root) { return config }
            throw KubeConfigError.notAKubeconfig(file: file, reason: "the top level is not a mapping")
        }
        for (key, value) in top {
            guard let name = key.scalar?.string else { continue }
            switch name {
            case "current-context":
                if let current = scalarString(value), !current.isEmpty { config.currentContext = current }
            case "clusters":
                for (entryName, body) in try namedEntries(value, list: "clusters", field: "cluster", file: file) {
                    config.clusters[entryName] = try cluster(body, file: file, name: entryName)
                }
            case "users":
                for (entryName, body) in try namedEntries(value, list: "users", field: "user", file: file) {
                    config.users[entryName] = try user(body, file: file, name: entryName)
                }
            case "contexts":
                for (entryName, body) in try namedEntries(value, list: "contexts", field: "context", file: file) {
                    let fields = try mapping(body, what: "context \"\(entryName)\"", file: file)
                    config.contexts[entryName] = Context(
                        cluster: fields.string("cluster") ?? "", user: fields.string("user") ?? "",
                        namespace: fields.string("namespace").flatMap { $0.isEmpty ? nil : $0 }, file: file)
                }
            default:
                continue  // apiVersion, kind, preferences, extensions, …
            }
        }
        return config
    }

    /// Adds `other` under this configuration: names already defined here win, and so does a current-context.
    public mutating func merge(_ other: KubeConfig) {
        for (name, cluster) in other.clusters where clusters[name] == nil { clusters[name] = cluster }
        for (name, user) in other.users where users[name] == nil { users[name] = user }
        for (name, context) in other.contexts where contexts[name] == nil { contexts[name] = context }
        if currentContext == nil { currentContext = other.currentContext }
        files += other.files
    }

    // MARK: - Reading

    static let maxFileSize = 16 << 20

    static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return (cwd.hasSuffix("/") ? cwd : cwd + "/") + path
    }

    /// The directory of an absolute file path.
    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return FileManager.default.currentDirectoryPath }
        let dir = String(file[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Resolves a path written in a kubeconfig: absolute as is, relative against the file's directory.
    static func resolvePath(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") || file.isEmpty { return path }
        let dir = directory(of: absolutePath(file))
        return (dir.hasSuffix("/") ? dir : dir + "/") + path
    }

    /// The bytes of a regular file (at most `limit`), nil when it does not exist.
    static func readFile(_ path: String, displayName: String, limit: Int = maxFileSize) throws -> Data? {
        do {
            return try readRegularFile(path, limit: limit)
        } catch ReadFailure.missing {
            return nil
        } catch let failure as ReadFailure {
            throw KubeConfigError.unreadable(file: displayName, reason: failure.words)
        }
    }

    enum ReadFailure: Error {
        case missing, notRegular, tooLarge(Int), errno(Int32)
        var words: String {
            switch self {
            case .missing: return "no such file"
            case .notRegular: return "not a regular file"
            case .tooLarge(let limit): return "larger than \(limit) bytes"
            case .errno(let code): return String(cString: strerror(code))
            }
        }
    }

    /// Reads a regular file up to `limit` bytes; refuses devices, pipes and directories (a token file named
    /// /dev/zero or /dev/stdin would otherwise never end).
    static func readRegularFile(_ path: String, limit: Int) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw errno == ENOENT || errno == ENOTDIR ? ReadFailure.missing : ReadFailure.errno(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadFailure.errno(errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ReadFailure.notRegular }
        guard Int(info.st_size) <= limit else { throw ReadFailure.tooLarge(limit) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadFailure.errno(errno)
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            if data.count > limit { throw ReadFailure.tooLarge(limit) }
        }
        return data
    }

    // MARK: - Parsing

    /// Seconds a kubeconfig may take to parse. Yams takes exponential time on a mapping key that is an alias of
    /// a deeply nested anchor; a real kubeconfig parses in milliseconds.
    public static var parseSeconds: Double = 5

    /// Parses on a worker thread and gives up (saying so) after `parseSeconds`; the worker is left to finish
    /// on its own, since a parse cannot be interrupted.
    public static func composeBounded(_ text: String, file: String) throws -> Node? {
        final class Outcome: @unchecked Sendable {
            var value: Result<Node?, Error>?
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            outcome.value = Result { try Yams.compose(yaml: text) }
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
        guard done.wait(timeout: .now() + parseSeconds) == .success, let value = outcome.value else {
            throw KubeConfigError.invalidYAML(
                file: file, line: nil, column: nil,
                problem: "it takes more than \(Int(parseSeconds)) s to parse (aliases of nested anchors as keys?)")
        }
        return try value.get()
    }

    static func invalidYAML(_ error: Error, file: String) -> KubeConfigError {
        // Only libyaml's fixed wording and the position: YamlError's own description quotes the offending line.
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return .invalidYAML(file: file, line: mark.line, column: mark.column, problem: problem)
        case .reader(let problem, _, _, _):
            return .invalidYAML(file: file, line: nil, column: nil, problem: problem)
        case .duplicatedKeysInMapping(_, let context):
            return .invalidYAML(
                file: file, line: context.mark.line, column: context.mark.column, problem: "a mapping repeats a key")
        case .dataCouldNotBeDecoded:
            return .unreadable(file: file, reason: "not UTF-8 text")
        default:
            return .invalidYAML(file: file, line: nil, column: nil, problem: "unreadable YAML")
        }
    }

    static func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func scalarString(_ node: Node) -> String? {
        guard let scalar = node.scalar, !isNull(node) else { return nil }
        return scalar.string
    }

    /// `[{name: N, <field>: {…}}, …]`; null means empty. Entries without a name are skipped; within one file a
    /// later entry of the same name replaces an earlier one (as client-go does).
    static func namedEntries(_ node: Node, list: String, field: String, file: String) throws -> [(String, Node?)] {
        if isNull(node) { return [] }
        guard let items = node.sequence else {
            throw KubeConfigError.notAKubeconfig(file: file, reason: "\(list) is not a list")
        }
        var entries: [(String, Node?)] = []
        for item in items {
            guard let fields = item.mapping else {
                throw KubeConfigError.notAKubeconfig(file: file, reason: "an entry of \(list) is not a mapping")
            }
            guard let name = fields.string("name"), !name.isEmpty else { continue }
            entries.append((name, fields.node(field)))
        }
        return entries
    }

    static func mapping(_ node: Node?, what: String, file: String) throws -> Node.Mapping {
        guard let node, !isNull(node) else { return Node.Mapping([]) }
        guard let fields = node.mapping else {
            throw KubeConfigError.notAKubeconfig(file: file, reason: "\(what) is not a mapping")
        }
        return fields
    }

    static func cluster(_ node: Node?, file: String, name: String) throws -> Cluster {
        let fields = try mapping(node, what: "cluster \"\(name)\"", file: file)
        return Cluster(
            server: fields.string("server"), certificateAuthority: fields.string("certificate-authority"),
            certificateAuthorityData: fields.string("certificate-authority-data"),
            insecureSkipTLSVerify: fields.bool("insecure-skip-tls-verify"), file: file)
    }

    static func user(_ node: Node?, file: String, name: String) throws -> User {
        let fields = try mapping(node, what: "user \"\(name)\"", file: file)
        var user = User(file: file)
        user.token = fields.string("token")
        user.tokenFile = fields.string("tokenFile")
        user.clientCertificate = fields.string("client-certificate")
        user.clientCertificateData = fields.string("client-certificate-data")
        user.clientKey = fields.string("client-key")
        user.clientKeyData = fields.string("client-key-data")
        user.username = fields.string("username")
        user.password = fields.string("password")
        if let provider = fields.node("auth-provider"), !isNull(provider) {
            user.authProvider = provider.mapping?.string("name") ?? "unnamed"
        }
        if let execNode = fields.node("exec"), !isNull(execNode) {
            let exec = try mapping(execNode, what: "the exec of user \"\(name)\"", file: file)
            var args: [String] = []
            if let argsNode = exec.node("args"), !isNull(argsNode) {
                guard let list = argsNode.sequence else {
                    throw KubeConfigError.notAKubeconfig(file: file, reason: "exec args of user \"\(name)\" is not a list")
                }
                args = list.map { $0.scalar?.string ?? "" }
            }
            var env: [ExecConfig.EnvVar] = []
            if let envNode = exec.node("env"), !isNull(envNode) {
                guard let list = envNode.sequence else {
                    throw KubeConfigError.notAKubeconfig(file: file, reason: "exec env of user \"\(name)\" is not a list")
                }
                for item in list {
                    guard let pair = item.mapping, let key = pair.string("name"), !key.isEmpty else { continue }
                    env.append(.init(name: key, value: pair.string("value") ?? ""))
                }
            }
            user.exec = ExecConfig(
                apiVersion: exec.string("apiVersion") ?? "", command: exec.string("command") ?? "", args: args,
                env: env, installHint: exec.string("installHint"))
        }
        return user
    }
}

extension Node.Mapping {
    /// The scalar text under `key`; nil when absent, null or not a scalar.
    func string(_ key: String) -> String? {
        node(key).flatMap(KubeConfig.scalarString)
    }

    /// The value under the scalar key `key` (the first one).
    func node(_ key: String) -> Node? {
        for (k, v) in self where k.scalar?.string == key { return v }
        return nil
    }

    /// YAML 1.1 booleans, as Go's YAML reader takes them.
    func bool(_ key: String) -> Bool {
        guard let text = string(key) else { return false }
        return ["true", "yes", "on", "y"].contains(text.lowercased())
    }
}
