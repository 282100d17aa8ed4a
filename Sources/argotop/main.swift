import ArgoAPI
import ArgoDemo
import ArgoKube
import ArgoTerminal
import ArgoViewModel
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("argotop: " + message + "\n").utf8))
    exit(2)
}

var options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    fail("\(error)")
}
if options.help {
    print(Options.usage)
    exit(0)
}
if options.version {
    print("argotop \(Version.string)")
    exit(0)
}
if let shell = options.completionShell {
    do { print(try Options.completionScript(for: shell), terminator: "") } catch { fail("\(error)") }
    exit(0)
}

var clock: () -> Double = options.frozenClock ? { DemoCluster.frozenNow } : { Date().timeIntervalSince1970 }

/// The demo cluster: frozen for captures, else alive (its own clock, `--demo-speed` times the wall's).
func makeCluster() -> DemoCluster {
    if options.frozenClock { return DemoCluster(now: DemoCluster.frozenNow, seed: options.demoSeed, ordinary: options.ordinaryWorkflows) }
    let cluster = DemoCluster(
        now: Date().timeIntervalSince1970, seed: options.demoSeed, ordinary: options.ordinaryWorkflows, clock: .live(speed: options.demoSpeed))
    clock = { cluster.now }
    return cluster
}

if options.demoServer {
    let cluster = makeCluster()
    let server = DemoServer(cluster: cluster)
    options.demoFaults.forEach(server.inject)
    do { try server.start(port: options.port) } catch { fail("\(error)") }
    print("argotop demo server: \(server.url) (namespaces \(([cluster.namespace] + DemoCluster.otherNamespaces).joined(separator: ", ")); \(cluster.workflows.count) workflows, \(cluster.archivedWorkflows.count) archived); Ctrl-C stops it")
    fflush(stdout)
    while true { sleep(3600) }
}

var flags = options.connection
// The config file: under the flags and the environment, over the kubeconfig.
let fileConfig: ConfigFile?
do { fileConfig = try ConfigFile.load(environment: ProcessInfo.processInfo.environment) } catch { fail("\(error)") }
if let fileConfig {
    let env = ProcessInfo.processInfo.environment
    if flags.server == nil && (env["ARGO_SERVER"] ?? "").isEmpty && !options.demo { flags.server = fileConfig.server }
    if flags.namespace == nil && (env["ARGO_NAMESPACE"] ?? "").isEmpty { flags.namespace = fileConfig.namespace }
    if options.kubeconfig == nil && (env["KUBECONFIG"] ?? "").isEmpty { options.kubeconfig = fileConfig.kubeconfig }
    if options.context == nil { options.context = fileConfig.context }
    if fileConfig.ascii == true || fileConfig.theme == "ascii" { options.ascii = true }
    if fileConfig.theme == "mono" || fileConfig.theme == "ascii" { setenv("NO_COLOR", "1", 1) }
    if let lines = fileConfig.logLines, !options.logLinesGiven { options.logLines = lines }
    for (action, keys) in fileConfig.keys { Keymap.rebind(action, to: keys) }
}
var demoServer: DemoServer?
if options.demo {
    let cluster = makeCluster()
    let server = DemoServer(cluster: cluster)
    options.demoFaults.forEach(server.inject)
    do { try server.start(port: 0) } catch { fail("\(error)") }
    demoServer = server
    flags.server = server.url
    if flags.namespace == nil && !flags.allNamespaces { flags.namespace = cluster.namespace }
}

var settings: ConnectionSettings
let environment = ProcessInfo.processInfo.environment
var kube: (config: KubeConfig, context: String)?
/// An exec plugin's credential that expires: the kubeconfig and context to fetch it again from.
var expiringCredential: (config: KubeConfig, context: String, expiry: Date, authorization: String?)?
if flags.server == nil && (environment["ARGO_SERVER"] ?? "").isEmpty {
    // No Argo Server given: the Kubernetes API of the kubeconfig's context (flags > environment > kubeconfig).
    let resolved = kubernetesSettings(flags: flags, kubeconfig: options.kubeconfig, context: options.context, environment: environment)
    settings = resolved.settings
    kube = (resolved.config, resolved.context)
    expiringCredential = resolved.expiry.map { (resolved.config, resolved.context, $0, resolved.settings.authorization) }
} else {
    do {
        settings = try ConnectionSettings.resolve(flags: flags, environment: environment)
    } catch {
        fail("\(error)")
    }
    settings.api = options.api
}

let keys: [Key]
do { keys = try Key.parseScript(options.keys) } catch { fail("\(error)") }

let unicodeLocale: Bool = {
    let env = ProcessInfo.processInfo.environment
    let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
    return locale.uppercased().contains("UTF-8") || locale.uppercased().contains("UTF8")
}()
// The interactive front falls back to plain characters where the terminal cannot show Unicode.
let ascii = options.ascii || (!options.headless && (!unicodeLocale || ProcessInfo.processInfo.environment["TERM"] == "dumb"))

let serverLabel = demoServer != nil ? "demo cluster (loopback)" : kube.map { "\($0.context) · " + settings.displayServer } ?? settings.displayServer
let model = AppModel(server: serverLabel, namespace: settings.namespace, now: clock(), ascii: ascii, insecure: settings.insecureSkipVerify)
model.maxLogLines = options.logLines
model.readonly = options.readonly
if let seconds = fileConfig?.refreshSeconds { model.refreshBaseSeconds = seconds }
if let perMB = fileConfig?.refreshSecondsPerMB { model.refreshSecondsPerMB = perMB }
var transferLog: TransferLog?
if let path = options.debugFile {
    do { transferLog = try TransferLog(path: path) } catch { fail("\(error)") }
}
let client = ArgoClient(settings: settings, transferLog: transferLog)
if let credential = expiringCredential, flags.token == nil {
    client.transport.authorizationProvider = ExpiringCredential(credential.config, context: credential.context,
        expiry: credential.expiry, authorization: credential.authorization).current
}
let runtime = Runtime(model: model, client: client)
if let kube {
    model.contexts = kube.config.contextNames
    model.context = kube.context
    runtime.contextSwitcher = { name in
        do {
            let endpoint = try kube.config.resolve(context: name, namespaceOverride: nil)
            let next = overriding(endpoint.connectionSettings(extraHeaders: flags.headers), with: flags, environment: environment)
            return .success((ArgoClient(settings: next, transferLog: transferLog), "\(name) · " + next.displayServer))
        } catch {
            return .failure(ContextError("\(error)"))
        }
    }
}

if options.headless {
    runtime.perform(model.handle(.resize(cols: options.size.cols, rows: options.size.rows)))
    runtime.perform(model.start(workflow: options.workflow))
    let outcome = Headless.run(runtime: runtime, keys: keys)
    print(outcome.screen)
    if let path = options.stateFile {
        do { try (outcome.state + "\n").write(toFile: path, atomically: true, encoding: .utf8) } catch {
            fail("cannot write the state file \(path): \(error)")
        }
    }
    runtime.shutdown()
    // Streams cut by the shutdown get their --debug lines before the process ends.
    if transferLog != nil { client.transport.waitUntilStopped(timeout: 2) }
    demoServer?.stop()
    exit(0)
}

guard isatty(0) == 1, isatty(1) == 1 else {
    fail("the interactive UI needs a terminal; use --headless to print a screen instead")
}
runtime.perform(model.start(workflow: options.workflow))
if ProcessInfo.processInfo.environment["TERM"] == "dumb" {
    // A terminal that cannot move the cursor gets whole frames as plain lines.
    PlainFront(runtime: runtime, clock: clock, environment: ProcessInfo.processInfo.environment).run()
} else {
    CursesFront(runtime: runtime, clock: clock).run()
}
runtime.shutdown()
if transferLog != nil { client.transport.waitUntilStopped(timeout: 2) }
demoServer?.stop()
exit(0)

/// Settings from the kubeconfig (`--kubeconfig`, else `KUBECONFIG`, else `~/.kube/config`) and its context
/// (`--context`, else the current one): the Kubernetes API, its CA, and the user's credential. `-n`, then
/// `ARGO_NAMESPACE`, win over the context's namespace; `-A` shows every namespace. TLS flags win over the file.
func kubernetesSettings(
    flags: ConnectionSettings.Flags, kubeconfig: String?, context: String?, environment: [String: String]
) -> (settings: ConnectionSettings, config: KubeConfig, context: String, expiry: Date?) {
    do {
        let config = try KubeConfig.load(kubeconfigFlag: kubeconfig, environment: environment)
        let namespace = flags.allNamespaces ? "" : flags.namespace ?? environment["ARGO_NAMESPACE"].flatMap { $0.isEmpty ? nil : $0 }
        let endpoint = try config.resolve(context: context, namespaceOverride: namespace)
        let settings = overriding(endpoint.connectionSettings(extraHeaders: flags.headers), with: flags, environment: environment)
        return (settings, config, endpoint.context, endpoint.credentialExpiry)
    } catch KubeConfigError.noKubeconfig(let paths) {
        fail("no Argo Server and no kubeconfig: give --server URL or ARGO_SERVER=host:port for Argo Server, "
            + "a kubeconfig (--kubeconfig, KUBECONFIG; looked in \(paths.joined(separator: ", "))) for the Kubernetes API, or try argotop --demo")
    } catch {
        fail("\(error)")
    }
}

/// A kubeconfig context's settings under what the command line and the environment say: a token
/// (`--token`, `ARGO_TOKEN`), TLS verification off, a CA file, a client certificate. For the first context and
/// for every `:ctx` alike.
func overriding(_ settings: ConnectionSettings, with flags: ConnectionSettings.Flags, environment: [String: String]) -> ConnectionSettings {
    var settings = settings
    if let token = (flags.token ?? environment["ARGO_TOKEN"]).flatMap(ConnectionSettings.normalizeToken) { settings.authorization = token }
    if flags.insecureSkipVerify { settings.insecureSkipVerify = true }
    if let ca = flags.caFile { settings.caFile = ca }
    if let cert = flags.clientCertFile { settings.clientCertFile = cert }
    if let key = flags.clientKeyFile { settings.clientKeyFile = key }
    return settings
}

/// An exec plugin's credential, fetched again (through the kubeconfig's cache, which runs the plugin) once it
/// is within 30 s of expiring; until then, and when fetching fails, the one in hand.
final class ExpiringCredential: @unchecked Sendable {
    let config: KubeConfig
    let context: String
    let lock = NSLock()
    var expiry: Date
    var authorization: String?

    init(_ config: KubeConfig, context: String, expiry: Date, authorization: String?) {
        self.config = config
        self.context = context
        self.expiry = expiry
        self.authorization = authorization
    }

    @Sendable func current() -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard Date().addingTimeInterval(30) >= expiry else { return authorization }
        if let endpoint = try? config.resolve(context: context, namespaceOverride: nil) {
            authorization = endpoint.authorization
            expiry = endpoint.credentialExpiry ?? .distantFuture
        }
        return authorization
    }
}
