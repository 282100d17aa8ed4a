import Foundation

/// What an exec credential plugin printed (`status` of an ExecCredential). Its description never shows the token
/// or the key.
public struct ExecCredential: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public var token: String?
    /// PEM text (not base64), as the ExecCredential carries it.
    public var clientCertificateData: String?
    public var clientKeyData: String?
    public var expirationTimestamp: Date?

    public init(
        token: String? = nil, clientCertificateData: String? = nil, clientKeyData: String? = nil,
        expirationTimestamp: Date? = nil
    ) {
        self.token = token
        self.clientCertificateData = clientCertificateData
        self.clientKeyData = clientKeyData
        self.expirationTimestamp = expirationTimestamp
    }

    public var description: String {
        var parts: [String] = []
        if token != nil { parts.append("token") }
        if clientCertificateData != nil { parts.append("client certificate") }
        if let expirationTimestamp { parts.append("expires \(expirationTimestamp)") }
        return "ExecCredential(" + parts.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}

/// Keeps exec plugin credentials in memory until their `expirationTimestamp` (for ever when they give none), so a
/// plugin runs once rather than at every connection. `now` is injectable for tests.
public final class KubeCredentialCache: @unchecked Sendable {
    public static let shared = KubeCredentialCache()

    private let now: @Sendable () -> Date
    private let lock = NSLock()
    private var entries: [String: ExecCredential] = [:]

    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The cached credential for `key` while it has not expired; otherwise runs `fetch` (one at a time) and keeps
    /// its answer.
    public func credential(for key: String, fetch: () throws -> ExecCredential) throws -> ExecCredential {
        lock.lock()
        defer { lock.unlock() }
        if let cached = entries[key], cached.expirationTimestamp.map({ now() < $0 }) ?? true { return cached }
        entries[key] = nil
        let fresh = try fetch()
        entries[key] = fresh
        return fresh
    }

    /// Forgets every credential (say after the server answered 401).
    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        entries = [:]
    }

    /// How many credentials are kept.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}

/// Runs exec credential plugins the way client-go does: the command with its args, the caller's environment plus
/// the plugin's `env` and KUBERNETES_EXEC_INFO, stdin closed (never interactive), an ExecCredential read from stdout.
enum ExecPlugin {
    static let apiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
    static let outputLimit = 4 << 20

    /// The identity of a plugin invocation, for the cache.
    static func cacheKey(_ exec: KubeConfig.ExecConfig, executable: String) -> String {
        var parts = [exec.apiVersion, executable] + exec.args
        for variable in exec.env { parts += [variable.name, variable.value] }
        return parts.map { "\($0.utf8.count):\($0)" }.joined()
    }

    /// The executable a plugin's command names: a path (a relative one against the kubeconfig's directory) or a
    /// name looked up in PATH.
    static func executable(for exec: KubeConfig.ExecConfig, configFile: String, environment: [String: String])
        -> String?
    {
        if exec.command.contains("/") {
            let path = KubeConfig.resolvePath(exec.command, relativeTo: configFile)
            return isExecutable(path) ? path : nil
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let path = "\(dir)/\(exec.command)"
            if isExecutable(path) { return path }
        }
        return nil
    }

    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }

    static func run(
        _ exec: KubeConfig.ExecConfig, executable: String, user: String, environment: [String: String],
        timeout: TimeInterval
    ) throws -> ExecCredential {
        let command = exec.command
        func failure(_ reason: String) -> KubeConfigError {
            .execFailed(user: user, command: command, reason: reason)
        }
        // stdout and stderr go to anonymous files (unlinked at once, mode 0600): nothing to deadlock on, and a
        // grandchild that keeps them open cannot hold us up once the plugin itself has exited.
        guard let outFile = tmpfile(), let errFile = tmpfile() else {
            throw failure("could not be started: no temporary file for its output")
        }
        defer {
            fclose(outFile)
            fclose(errFile)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = exec.args
        var env = environment
        for variable in exec.env { env[variable.name] = variable.value }
        env["KUBERNETES_EXEC_INFO"] =
            #"{"apiVersion":"\#(exec.apiVersion)","kind":"ExecCredential","spec":{"interactive":false}}"#
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(fileDescriptor: fileno(outFile), closeOnDealloc: false)
        process.standardError = FileHandle(fileDescriptor: fileno(errFile), closeOnDealloc: false)
        do {
            try process.run()
        } catch {
            throw failure("could not be started: \((error as NSError).localizedDescription)")
        }
        let timedOut = TimedOut()
        let pid = process.processIdentifier
        let timer = DispatchWorkItem {
            timedOut.value = true
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        process.waitUntilExit()
        timer.cancel()

        let stderrLine = firstLine(of: readBack(fileno(errFile), limit: 64 << 10))
        let told = stderrLine.map { ": " + $0 } ?? ""
        if process.terminationReason == .uncaughtSignal {
            if timedOut.value { throw failure("did not finish within \(String(format: "%g", timeout)) s and was stopped") }
            throw failure("was killed by signal \(process.terminationStatus)\(told)")
        }
        if process.terminationStatus != 0 {
            throw failure("failed with exit status \(process.terminationStatus)\(told)")
        }
        let output = readBack(fileno(outFile), limit: outputLimit)
        return try parse(output, apiVersion: exec.apiVersion, failure: failure)
    }

    final class TimedOut: @unchecked Sendable {
        private let lock = NSLock()
        private var flag = false
        var value: Bool {
            get { lock.lock(); defer { lock.unlock() }; return flag }
            set { lock.lock(); flag = newValue; lock.unlock() }
        }
    }

    static func readBack(_ fd: Int32, limit: Int) -> Data {
        lseek(fd, 0, SEEK_SET)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while data.count <= limit {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return data
    }

    /// The first non-blank line, at most 300 characters.
    static func firstLine(of data: Data) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline)
            .map({ $0.trimmingCharacters(in: .whitespaces) }).first(where: { !$0.isEmpty })
        else { return nil }
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// Reads an ExecCredential; errors describe the shape, never the content.
    static func parse(_ output: Data, apiVersion: String, failure: (String) -> KubeConfigError) throws
        -> ExecCredential
    {
        if output.count > outputLimit { throw failure("printed more than \(outputLimit) bytes") }
        guard let object = (try? JSONSerialization.jsonObject(with: output)) as? [String: Any] else {
            throw failure("printed something that is not a JSON object (an ExecCredential was expected)")
        }
        guard object["kind"] as? String == "ExecCredential" else {
            throw failure("printed JSON whose kind is not ExecCredential")
        }
        let answered = object["apiVersion"] as? String ?? ""
        guard answered == apiVersion else {
            let shown = answered.count > 80 ? String(answered.prefix(80)) + "…" : answered
            throw failure("answered with apiVersion \"\(shown)\", but the kubeconfig asks for \(apiVersion)")
        }
        guard let status = object["status"] as? [String: Any] else {
            throw failure("printed an ExecCredential without status")
        }
        func text(_ key: String) -> String? {
            (status[key] as? String).flatMap { $0.isEmpty ? nil : $0 }
        }
        var credential = ExecCredential(
            token: text("token"), clientCertificateData: text("clientCertificateData"),
            clientKeyData: text("clientKeyData"))
        if (credential.clientCertificateData == nil) != (credential.clientKeyData == nil) {
            throw failure("returned a client certificate without its key, or a key without its certificate")
        }
        if credential.token == nil && credential.clientCertificateData == nil {
            throw failure("returned neither a token nor a client certificate")
        }
        if let stamp = text("expirationTimestamp") {
            guard let date = parseTimestamp(stamp) else {
                throw failure("returned an expirationTimestamp that is not an RFC 3339 time")
            }
            credential.expirationTimestamp = date
        }
        return credential
    }

    /// RFC 3339, with or without fractional seconds.
    static func parseTimestamp(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
