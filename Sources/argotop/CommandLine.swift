import ArgoAPI
import ArgoDemo
import ArgoViewModel

/// What the command line asked for.
struct Options {
    var connection = ConnectionSettings.Flags()
    var demo = false
    var frozenClock = false
    /// How many times faster than the wall the demo's live clock runs.
    var demoSpeed = 1.0
    var demoServer = false
    var port = 2746
    var ordinaryWorkflows = 60
    var headless = false
    var size = (cols: 120, rows: 40)
    var keys = ""
    var stateFile: String?
    var ascii = false
    var readonly = false
    /// Lines a log view keeps (the newest).
    var logLines = 200_000
    var logLinesGiven = false
    var workflow: (namespace: String?, name: String)?
    var help = false
    /// `--api kubernetes`: the server is the Kubernetes API (workflows as custom resources), not Argo Server.
    var api = ConnectionSettings.APIKind.argoServer
    var version = false
    /// `--kubeconfig PATH` and `--context NAME`: where the Kubernetes API is when no Argo Server is given.
    var kubeconfig: String?
    var context: String?
    /// `--debug FILE`: a JSON line per finished transfer, appended.
    var debugFile: String?
    /// Hidden, for tests: faults the demo server injects (`--demo-fault KIND[:TARGET][:once|:N]`).
    var demoFaults: [DemoFault] = []

    static let usage = """
        argotop: a terminal UI for Argo Workflows

        usage: argotop [options] [NAMESPACE/]WORKFLOW    open a workflow directly (@latest: the newest)
               argotop [options]                         browse the workflow list
               argotop --demo                            browse a simulated cluster inside the process
               argotop demo-server --port N              serve the simulated cluster alone

        connection (the argo CLI's environment works too: ARGO_SERVER, ARGO_SECURE, ARGO_BASE_HREF,
        ARGO_TOKEN, ARGO_NAMESPACE, ARGO_INSECURE_SKIP_VERIFY):
          --server URL              Argo Server as a full URL, e.g. http://127.0.0.1:2746 (wins over ARGO_SERVER)
          --token TOKEN             bearer token, with or without the "Bearer " prefix (or ARGO_TOKEN)
          -n, --namespace NS        namespace (default: ARGO_NAMESPACE, else "default")
          -A, --all-namespaces      every namespace
          -H, --header 'Name: v'    extra request header, for proxies (repeatable)
          --insecure-skip-verify    do not verify TLS certificates (shown as a warning on screen)
          --ca-file PATH            PEM file of the CA(s) that signed the server's certificate (instead of the system's)
          --client-cert PATH        PEM client certificate, for servers that ask for one (its key inside, or --client-key)
          --client-key PATH         PEM key of the client certificate

        display:
          --ascii                   plain characters instead of Unicode lines and icons (NO_COLOR: no colour)
          --readonly                never offer actions that change workflows
          --log-lines N             lines a log view keeps, the newest (default 200000)

        demo:
          --demo                    start the simulated Argo Server on a free loopback port and browse it
          --demo-clock frozen|live  frozen: the demo's clock stands at 2026-11-28T12:00:00Z (for captures)
          --demo-speed X            the live demo's time runs X times faster (default 1)
          --demo-workflows N        ordinary workflows beside the designed ones (default 60)
          --port N                  with demo-server: the port to listen on (default 2746)

        other:
          --debug FILE              append one JSON line per finished request to FILE: endpoint, path, query keys,
                                    status, error, new or reused connection, timings, bytes (never tokens or query values)
          --version                 print argotop's version and exit
          -h, --help                this text

        headless (prints the final screen as text):
          --headless --size COLSxROWS --keys "KEYS" [--state-file PATH]
          KEYS are words split on spaces: <Enter> <Esc> <Up> <Down> <PgUp> <PgDn> <Home> <End> <Tab> <BS>
          <Space> <C-c> are named keys; any other word is typed character by character.

        keys: j/k or arrows move, g/G top/bottom, PgUp/PgDn, Enter open (a step: its details), Esc back,
          f/F next/previous failed step, Space or Left/Right fold, / search (n/N), o outputs, l log,
          L logs of every failed step, r read again, ? help (every key), q quit
        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var args = arguments[...]
        if args.first == "demo-server" {
            options.demoServer = true
            args = args.dropFirst()
        }
        func value(_ flag: String) throws -> String {
            guard let next = args.first else { throw UsageError("\(flag) needs a value") }
            args = args.dropFirst()
            return next
        }
        while let arg = args.first {
            args = args.dropFirst()
            var flag = arg
            var inline: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                flag = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            func take() throws -> String {
                if let inline { return inline }
                return try value(flag)
            }
            switch flag {
            case "-h", "--help": options.help = true
            case "--version": options.version = true
            case "--debug": options.debugFile = try take()
            case "--ca-file": options.connection.caFile = try take()
            case "--client-cert": options.connection.clientCertFile = try take()
            case "--client-key": options.connection.clientKeyFile = try take()
            case "--server": options.connection.server = try take()
            case "--kubeconfig": options.kubeconfig = try take()
            case "--context": options.context = try take()
            case "--token": options.connection.token = try take()
            case "-n", "--namespace": options.connection.namespace = try take()
            case "-A", "--all-namespaces": options.connection.allNamespaces = true
            case "-H", "--header":
                let header = try take()
                guard header.contains(":") else { throw UsageError("--header wants 'Name: value', not \(header)") }
                options.connection.headers.append(header)
            case "--insecure-skip-verify": options.connection.insecureSkipVerify = true
            case "--ascii", "--no-utf8": options.ascii = true
            case "--readonly": options.readonly = true
            case "--log-lines":
                guard let n = Int(try take()), n >= 100 else { throw UsageError("--log-lines wants a number of at least 100") }
                options.logLines = n
                options.logLinesGiven = true
            case "--demo": options.demo = true
            case "--api":
                let kind = try take()
                guard let api = ConnectionSettings.APIKind(rawValue: kind == "kubernetes" ? "kubernetes" : kind == "argo" ? "argoServer" : kind) else {
                    throw UsageError("--api is argo (Argo Server, the default) or kubernetes (the Kubernetes API), not \(kind)")
                }
                options.api = api
            case "--demo-clock":
                let clock = try take()
                guard clock == "frozen" || clock == "live" else { throw UsageError("--demo-clock is frozen or live, not \(clock)") }
                options.frozenClock = clock == "frozen"
            case "--demo-speed":
                guard let x = Double(try take()), x > 0, x <= 1000 else { throw UsageError("--demo-speed wants a number from 0 to 1000") }
                options.demoSpeed = x
            case "--demo-workflows":
                guard let n = Int(try take()), n >= 0 else { throw UsageError("--demo-workflows wants a number") }
                options.ordinaryWorkflows = n
            case "--demo-fault":
                let text = try take()
                guard let fault = DemoFault(parsing: text) else {
                    throw UsageError("--demo-fault wants KIND[:list|get|watch|log][:once|:N], KIND one of status:CODE html502 truncated malformed reset stall huge; not \(text)")
                }
                options.demoFaults.append(fault)
            case "--port":
                guard let port = Int(try take()), (0...65535).contains(port) else { throw UsageError("--port wants a port number") }
                options.port = port
            case "--headless": options.headless = true
            case "--size":
                let text = try take()
                let parts = text.lowercased().split(separator: "x")
                guard parts.count == 2, let c = Int(parts[0]), let r = Int(parts[1]), c > 0, r > 0 else {
                    throw UsageError("--size wants COLSxROWS, e.g. 120x40, not \(text)")
                }
                options.size = (c, r)
            case "--keys": options.keys = try take()
            case "--state-file": options.stateFile = try take()
            case "--kubeconfig", "--context":
                throw UsageError("\(flag): the Kubernetes API mode is not built yet; use --server or ARGO_SERVER")
            default:
                if arg.hasPrefix("-") && arg != "-" { throw UsageError("unknown option \(arg) (argotop --help lists them)") }
                guard options.workflow == nil else { throw UsageError("one workflow at a time, not \(arg)") }
                let parts = arg.split(separator: "/", maxSplits: 1).map(String.init)
                options.workflow = parts.count == 2 ? (parts[0], parts[1]) : (nil, parts[0])
            }
        }
        return options
    }
}
