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
    /// The demo cluster's seed: the same seed gives the same cluster and the same simulation.
    var demoSeed: UInt64 = 42
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
    /// `--generate-completion-script SHELL`.
    var completionShell: String?
    /// `--kubeconfig PATH` and `--context NAME`: where the Kubernetes API is when no Argo Server is given.
    var kubeconfig: String?
    var context: String?
    /// `--debug FILE`: a JSON line per finished transfer, appended.
    var debugFile: String?
    /// Hidden, for tests: faults the demo server injects (`--demo-fault KIND[:TARGET][:once|:N]`).
    var demoFaults: [DemoFault] = []

    /// One option of the command line, for `--help` and the completion scripts (the parser is `parse`).
    struct Flag {
        var names: [String]
        /// The value's name (`<url>`), nil for a switch.
        var value: String?
        var help: String
        /// Completion of the value: files, or fixed words.
        var completion: Completion = .none
        enum Completion { case none, file, words([String]) }
    }

    static let flags: [(section: String, [Flag])] = [
        ("CONNECTION (the argo CLI's environment works too: ARGO_SERVER, ARGO_SECURE, ARGO_BASE_HREF, ARGO_TOKEN, ARGO_NAMESPACE, ARGO_INSECURE_SKIP_VERIFY; without a server, the kubeconfig)", [
            Flag(names: ["--server"], value: "<url>", help: "Argo Server as a full URL, e.g. http://127.0.0.1:2746 (wins over ARGO_SERVER)"),
            Flag(names: ["--token"], value: "<token>", help: "bearer token, with or without the \"Bearer \" prefix (or ARGO_TOKEN)"),
            Flag(names: ["-n", "--namespace"], value: "<namespace>", help: "namespace (default: ARGO_NAMESPACE, the config file, the context's, else \"default\")"),
            Flag(names: ["-A", "--all-namespaces"], help: "every namespace"),
            Flag(names: ["--kubeconfig"], value: "<path>", help: "kubeconfig for the Kubernetes API when no Argo Server is given (else KUBECONFIG, ~/.kube/config)", completion: .file),
            Flag(names: ["--context"], value: "<name>", help: "kubeconfig context (default: the current one)"),
            Flag(names: ["--api"], value: "<kind>", help: "what --server is: argo (Argo Server, the default) or kubernetes", completion: .words(["argo", "kubernetes"])),
            Flag(names: ["-H", "--header"], value: "<'Name: value'>", help: "extra request header, for proxies (repeatable)"),
            Flag(names: ["--insecure-skip-verify"], help: "do not verify TLS certificates (shown as a warning on screen)"),
            Flag(names: ["--ca-file"], value: "<path>", help: "PEM file of the CA(s) that signed the server's certificate", completion: .file),
            Flag(names: ["--client-cert"], value: "<path>", help: "PEM client certificate, for servers that ask for one", completion: .file),
            Flag(names: ["--client-key"], value: "<path>", help: "PEM key of the client certificate", completion: .file),
        ]),
        ("DISPLAY", [
            Flag(names: ["--ascii"], help: "plain characters instead of Unicode lines and icons (NO_COLOR: no colour)"),
            Flag(names: ["--readonly"], help: "no actions: retry, resubmit, stop, terminate, suspend and resume are off (the help says so)"),
            Flag(names: ["--log-lines"], value: "<n>", help: "lines a log view keeps, the newest (default 200000)"),
        ]),
        ("DEMO", [
            Flag(names: ["--demo"], help: "start the simulated Argo Server on a free loopback port and browse it"),
            Flag(names: ["--demo-clock"], value: "<frozen|live>", help: "frozen: the demo's clock stands at 2026-11-28T12:00:00Z (for captures)", completion: .words(["frozen", "live"])),
            Flag(names: ["--demo-speed"], value: "<x>", help: "the live demo's time runs x times faster (default 1)"),
            Flag(names: ["--demo-workflows"], value: "<n>", help: "ordinary workflows beside the designed ones (default 60)"),
            Flag(names: ["--demo-seed", "--seed"], value: "<n>", help: "the seed the demo cluster is generated from (default 42)"),
            Flag(names: ["--port"], value: "<n>", help: "with demo-server: the port to listen on (default 2746)"),
        ]),
        ("HEADLESS (prints the final screen as text; KEYS are words split on spaces: <Enter> <Esc> <Up> <Down> <PgUp> <PgDn> <Home> <End> <Tab> <BS> <Space> <C-c> are named keys, any other word is typed)", [
            Flag(names: ["--headless"], help: "run without a terminal"),
            Flag(names: ["--size"], value: "<colsxrows>", help: "the screen's size, e.g. 120x40"),
            Flag(names: ["--keys"], value: "<keys>", help: "the keys to press, one after another"),
            Flag(names: ["--state-file"], value: "<path>", help: "write the final state as JSON", completion: .file),
        ]),
        ("OTHER", [
            Flag(names: ["--debug"], value: "<file>", help: "append one JSON line per finished request (never tokens or query values)", completion: .file),
            Flag(names: ["--generate-completion-script"], value: "<shell>", help: "print a completion script for bash, zsh or fish", completion: .words(["bash", "zsh", "fish"])),
            Flag(names: ["--version"], help: "print argotop's version and exit"),
            Flag(names: ["-h", "--help"], help: "show help information"),
        ]),
    ]

    /// `--help`, in the swift-argument-parser layout.
    static var usage: String {
        var text = """
            OVERVIEW: argotop, a terminal UI for Argo Workflows

            USAGE: argotop [<options>] [<workflow>]
                   argotop demo-server [--port <n>]

            ARGUMENTS:
              <workflow>              [NAMESPACE/]WORKFLOW to open directly (@latest: the newest)

            """
        for (section, list) in flags {
            text += "\n" + wrap(section + ":", width: 100, indent: "") + "\n"
            for flag in list {
                let left = "  " + flag.names.joined(separator: ", ") + (flag.value.map { " " + $0 } ?? "")
                let pad = left.count < 32 ? String(repeating: " ", count: 32 - left.count) : "\n" + String(repeating: " ", count: 32)
                text += left + pad + flag.help + "\n"
            }
        }
        text += """

            KEYS: j/k or arrows move, g/G top/bottom, PgUp/PgDn, Enter open (a step: its details), Esc back,
              f/F next/previous failed step, Space or Left/Right fold, / search (n/N), o outputs, l log,
              L logs of every failed step, : commands (:sem :ns :ctx :wf), r read again, ? help (every key), q quit
            """
        return text
    }

    static func wrap(_ text: String, width: Int, indent: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = indent + word
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// `--generate-completion-script bash|zsh|fish`.
    static func completionScript(for shell: String) throws -> String {
        let all = flags.flatMap(\.1)
        switch shell {
        case "bash":
            let words = all.flatMap(\.names).joined(separator: " ")
            var cases = ""
            for flag in all where flag.value != nil {
                let names = flag.names.joined(separator: "|")
                switch flag.completion {
                case .file: cases += "        \(names)) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
                case .words(let w): cases += "        \(names)) COMPREPLY=($(compgen -W \"\(w.joined(separator: " "))\" -- \"$cur\")); return ;;\n"
                case .none: cases += "        \(names)) return ;;\n"
                }
            }
            return """
                # argotop completion for bash: eval "$(argotop --generate-completion-script bash)"
                _argotop() {
                    local cur prev
                    cur="${COMP_WORDS[COMP_CWORD]}"
                    prev="${COMP_WORDS[COMP_CWORD-1]}"
                    case "$prev" in
                \(cases)    esac
                    COMPREPLY=($(compgen -W "\(words) demo-server" -- "$cur"))
                }
                complete -F _argotop argotop

                """
        case "zsh":
            var specs: [String] = []
            for flag in all {
                let help = flag.help.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "[", with: "(").replacingOccurrences(of: "]", with: ")")
                var action = ""
                if let value = flag.value {
                    switch flag.completion {
                    case .file: action = ":\(value):_files"
                    case .words(let w): action = ":\(value):(\(w.joined(separator: " ")))"
                    case .none: action = ":\(value): "
                    }
                }
                for name in flag.names { specs.append("'\(name)[\(help)]\(action)'") }
            }
            return "#compdef argotop\n# argotop completion for zsh: argotop --generate-completion-script zsh > ~/.zfunc/_argotop\n_arguments -s \\\n  "
                + specs.joined(separator: " \\\n  ") + " \\\n  '1:workflow: '\n"
        case "fish":
            var lines = ["# argotop completion for fish: argotop --generate-completion-script fish > ~/.config/fish/completions/argotop.fish"]
            for flag in all {
                var parts = ["complete -c argotop"]
                for name in flag.names {
                    parts.append(name.hasPrefix("--") ? "-l \(name.dropFirst(2))" : "-s \(name.dropFirst(1))")
                }
                if flag.value != nil {
                    switch flag.completion {
                    case .file: parts.append("-r -F")
                    case .words(let w): parts.append("-r -f -a '\(w.joined(separator: " "))'")
                    case .none: parts.append("-r -f")
                    }
                }
                parts.append("-d '\(flag.help.replacingOccurrences(of: "'", with: ""))'")
                lines.append(parts.joined(separator: " "))
            }
            return lines.joined(separator: "\n") + "\n"
        default:
            throw UsageError("--generate-completion-script wants bash, zsh or fish, not \(shell)")
        }
    }

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
            case "--generate-completion-script": options.completionShell = try take()
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
            case "--demo-seed", "--seed":
                guard let n = UInt64(try take()) else { throw UsageError("--demo-seed wants a whole number") }
                options.demoSeed = n
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
