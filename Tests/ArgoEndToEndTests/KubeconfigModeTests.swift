import ArgoDemo
import Foundation
import XCTest

/// Kubernetes API mode as a bastion user meets it: no flags, only a kubeconfig (or only ARGO_SERVER and
/// ARGO_TOKEN). The binary runs against the demo server's Kubernetes paths behind the TLS proxy of
/// `TLSTests` (a test CA, a server certificate for 127.0.0.1), which checks client certificates; the demo
/// server checks bearer tokens.
extension TLSTests {
    /// Runs `argotop --headless` with only the given environment (HOME points at an empty folder, so no
    /// ~/.kube/config is found) and arguments.
    func bare(_ environment: [String: String], _ arguments: [String] = [], keys: String = "") throws -> Run {
        let directory = try XCTUnwrap(TLSTests.directory)
        let home = directory + "/home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let stateFile = directory + "/state-\(UUID().uuidString).json"
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ARGO_") && $0.key != "KUBECONFIG" }
        env["HOME"] = home
        env["ARGOTOP_STALL_SECONDS"] = "3"
        env.merge(environment) { $1 }
        let output = try Harness.run(
            Harness.binary, arguments + ["--headless", "--size", "120x40", "--keys", keys, "--state-file", stateFile], environment: env, timeout: 20)
        guard output.status == 0 else { return Run(screen: output.stderr, state: ["error": output.stderr, "exit": Int(output.status)]) }
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateFile))) as? [String: Any] ?? [:]
        return Run(screen: output.stdout, state: state)
    }

    /// Writes a kubeconfig with two contexts (`test` in namespace argo, current; `other` in namespace staging)
    /// whose user is `user` (YAML lines under `user:`), with the CA given by a path relative to the file.
    func kubeconfig(server: String, user: String) throws -> String {
        let directory = try XCTUnwrap(TLSTests.directory)
        let path = directory + "/kubeconfig-\(UUID().uuidString).yaml"
        try """
            apiVersion: v1
            kind: Config
            current-context: test
            clusters:
            - name: loopback
              cluster:
                server: \(server)
                certificate-authority: ca.pem
            users:
            - name: tester
              user:
            \(user)
            contexts:
            - name: test
              context: {cluster: loopback, user: tester, namespace: argo}
            - name: other
              context: {cluster: loopback, user: tester, namespace: staging}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testWithOnlyAKubeconfigItOpensOnTheContextsNamespaceWithItsToken() throws {
        let demo = try XCTUnwrap(TLSTests.demo)
        demo.requiredToken = "kube-token-1"
        defer { demo.requiredToken = nil }
        let server = try startProxy(certificate: "server")
        let config = try kubeconfig(server: server, user: "    token: kube-token-1")
        let r = try bare(["KUBECONFIG": config])
        assertListShows(r)
        XCTAssertEqual(r.state["namespace"] as? String, "argo")
        XCTAssertTrue(demo.requestLog.contains { $0.contains("/apis/argoproj.io/v1alpha1/namespaces/argo/workflows?") })
        // The rest works the same: open the failed DAG and its failed step's log.
        let journey = try bare(["KUBECONFIG": config], ["argo/db-auditing-x7k2p"], keys: "f l")
        XCTAssertEqual(journey.state["view"] as? String, "logs")
        XCTAssertTrue(journey.screen.contains("role 'reporting' has SUPERUSER") || journey.screen.contains("check-grants"), journey.screen)

        // --context and -n pick where to look; a wrong token is said in words.
        let other = try bare(["KUBECONFIG": config], ["--context", "other"])
        XCTAssertEqual(other.state["namespace"] as? String, "staging")
        XCTAssertTrue(other.screen.contains("no workflows in namespace staging  (:ns picks another"), other.screen)
        let flagged = try bare(["KUBECONFIG": config], ["--context", "other", "-n", "argo"])
        XCTAssertEqual(flagged.state["namespace"] as? String, "argo")
        // :ctx lists the contexts and switches to another (its namespace) without leaving.
        let listed = try bare(["KUBECONFIG": config], keys: ": ctx <Enter>")
        XCTAssertTrue(listed.screen.contains("contexts: other [test]"), listed.screen)
        XCTAssertTrue(listed.screen.contains(" test · https://127.0.0.1:"), "the top line names the context")
        let switched = try bare(["KUBECONFIG": config], keys: ": ctx <Space> other <Enter>")
        XCTAssertEqual(switched.state["namespace"] as? String, "staging")
        XCTAssertTrue(switched.screen.contains(" other · https://127.0.0.1:") && switched.screen.contains("no workflows in namespace staging"), switched.screen)
        let unknownSwitch = try bare(["KUBECONFIG": config], keys: ": ctx <Space> nope <Enter>")
        XCTAssertTrue(unknownSwitch.screen.contains("no context nope in the kubeconfig"), unknownSwitch.screen)
        XCTAssertEqual(unknownSwitch.state["namespace"] as? String, "argo")
        let wrong = try bare(["KUBECONFIG": try kubeconfig(server: server, user: "    token: not-the-token")])
        XCTAssertTrue(wrong.error.contains("401 Unauthorized"), wrong.error)
        XCTAssertFalse(wrong.screen.contains("not-the-token") || wrong.error.contains("not-the-token"), "the token never shows")
        let unknown = try bare(["KUBECONFIG": config], ["--context", "nope"])
        XCTAssertEqual(unknown.state["exit"] as? Int, 2)
        XCTAssertTrue(unknown.error.contains("nope") && unknown.error.contains("test"), unknown.error)
    }

    func testAClientCertificateFromInlineDataAuthenticates() throws {
        let directory = try XCTUnwrap(TLSTests.directory)
        let cert = try Data(contentsOf: URL(fileURLWithPath: directory + "/client.pem")).base64EncodedString()
        let key = try Data(contentsOf: URL(fileURLWithPath: directory + "/client.key")).base64EncodedString()
        let server = try startProxy(certificate: "server", requireClientCertificate: true)
        let config = try kubeconfig(server: server, user: "    client-certificate-data: \(cert)\n    client-key-data: \(key)")
        assertListShows(try bare(["KUBECONFIG": config]))
        let without = try bare(["KUBECONFIG": try kubeconfig(server: server, user: "    token: x")])
        XCTAssertTrue(without.error.contains("client certificate required"), without.error)
    }

    func testAnExecPluginGivesTheToken() throws {
        let directory = try XCTUnwrap(TLSTests.directory)
        let demo = try XCTUnwrap(TLSTests.demo)
        demo.requiredToken = "from-the-plugin"
        defer { demo.requiredToken = nil }
        let plugin = directory + "/credential-plugin.sh"
        try """
            #!/bin/sh
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-the-plugin"}}'
            """.write(toFile: plugin, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin)
        let server = try startProxy(certificate: "server")
        let exec = "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \(plugin)\n      interactiveMode: Never"
        assertListShows(try bare(["KUBECONFIG": try kubeconfig(server: server, user: exec)]))
        // A credential that has expired is fetched again for the next request: the plugin runs once per request.
        let counter = directory + "/plugin-runs-\(UUID().uuidString)"
        let expiring = directory + "/expiring-plugin.sh"
        try """
            #!/bin/sh
            echo run >> \(counter)
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-the-plugin","expirationTimestamp":"2000-01-01T00:00:00Z"}}'
            """.write(toFile: expiring, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: expiring)
        assertListShows(try bare(["KUBECONFIG": try kubeconfig(server: server, user: exec.replacingOccurrences(of: plugin, with: expiring))]))
        let runs = (try? String(contentsOfFile: counter, encoding: .utf8))?.split(separator: "\n").count ?? 0
        XCTAssertGreaterThanOrEqual(runs, 3, "the plugin ran for the start, the list and the watch")
        let failing = directory + "/failing-plugin.sh"
        try "#!/bin/sh\necho 'login expired, run sso login' >&2\nexit 3\n".write(toFile: failing, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing)
        let broken = try bare(["KUBECONFIG": try kubeconfig(server: server, user: exec.replacingOccurrences(of: plugin, with: failing))])
        XCTAssertTrue(broken.error.contains("login expired") && broken.error.contains("3"), broken.error)
    }

    func testWithOnlyArgoServerAndArgoTokenItOpensToo() throws {
        let demo = try XCTUnwrap(TLSTests.demo)
        demo.requiredToken = "argo-token-2"
        defer { demo.requiredToken = nil }
        let hostPort = try XCTUnwrap(demo.url.split(separator: "/").last.map(String.init))
        let r = try bare(["ARGO_SERVER": hostPort, "ARGO_SECURE": "false", "ARGO_TOKEN": "argo-token-2", "ARGO_NAMESPACE": "argo"])
        assertListShows(r)
        XCTAssertTrue(demo.requestLog.contains { $0.hasPrefix("GET /api/v1/workflows/argo?") })
        let nothing = try bare([:])
        XCTAssertEqual(nothing.state["exit"] as? Int, 2)
        XCTAssertTrue(nothing.error.contains("no Argo Server and no kubeconfig") && nothing.error.contains("--demo"), nothing.error)
    }
}

/// `$XDG_CONFIG_HOME/argotop/config.yaml`: defaults under the flags and the environment.
final class ConfigFileTests: XCTestCase {
    var demo: DemoServer!
    var home: String!

    override func setUpWithError() throws {
        demo = DemoServer(cluster: DemoCluster(ordinary: 5))
        try demo.start(port: 0)
        home = NSTemporaryDirectory() + "argotop-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/argotop", withIntermediateDirectories: true)
    }

    override func tearDown() {
        demo.stop()
        try? FileManager.default.removeItem(atPath: home)
    }

    func run(config: String, env: [String: String] = [:], _ arguments: [String] = [], keys: String = "") throws -> (screen: String, state: [String: Any], status: Int32, stderr: String) {
        try config.write(toFile: home + "/argotop/config.yaml", atomically: true, encoding: .utf8)
        let stateFile = home + "/state-\(UUID().uuidString).json"
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ARGO_") && $0.key != "KUBECONFIG" }
        environment["XDG_CONFIG_HOME"] = home
        environment["HOME"] = home
        environment.merge(env) { $1 }
        let output = try Harness.run(Harness.binary, arguments + ["--headless", "--size", "120x40", "--keys", keys, "--state-file", stateFile], environment: environment)
        let state = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stateFile)))) as? [String: Any] ?? [:]
        return (output.stdout, state, output.status, output.stderr)
    }

    func testTheConfigFileGivesServerAndNamespaceUnderFlagsAndEnvironment() throws {
        let config = "server: \(demo.url)\nnamespace: argo\n"
        let plain = try run(config: config)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertEqual(plain.state["namespace"] as? String, "argo")
        XCTAssertTrue(plain.screen.contains("weekly-report-q8m2z"), plain.screen)
        // The environment wins over the file, and a flag over both.
        let env = try run(config: config, env: ["ARGO_NAMESPACE": "staging"])
        XCTAssertEqual(env.state["namespace"] as? String, "staging")
        let flag = try run(config: config, env: ["ARGO_NAMESPACE": "staging"], ["-n", "prod"])
        XCTAssertEqual(flag.state["namespace"] as? String, "prod")
    }

    func testAnASCIIThemeDrawsPlainCharacters() throws {
        let plain = try run(config: "server: \(demo.url)\nnamespace: argo\ntheme: ascii\n", ["argo/db-auditing-x7k2p"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.screen.contains("|- + list-databases") || plain.screen.contains("+ list-databases"), plain.screen)
        XCTAssertFalse(plain.screen.contains("✔"))
    }

    func testKeysAreRebound() throws {
        let config = "server: \(demo.url)\nnamespace: argo\nkeys: {nextFailed: x}\n"
        let rebound = try run(config: config, ["argo/db-fleet-audit-9h3kq"], keys: "x")
        XCTAssertEqual((rebound.state["selected"] as? [String: Any])?["phase"] as? String, "Failed", "x goes to the first failed step")
        XCTAssertTrue(rebound.screen.contains("x next failed"), "the bottom line shows the new key")
        let old = try run(config: config, ["argo/db-fleet-audit-9h3kq"], keys: "f")
        XCTAssertEqual((old.state["selected"] as? [String: Any])?["id"] as? String, "db-fleet-audit-9h3kq", "f no longer moves")
    }

    func testMistakesAreSaidInWords() throws {
        let unknown = try run(config: "serevr: http://x\n")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown setting serevr"), unknown.stderr)
        let action = try run(config: "keys: {jump: x}\n")
        XCTAssertEqual(action.status, 2)
        XCTAssertTrue(action.stderr.contains("no action jump") && action.stderr.contains("nextFailed"), action.stderr)
        let theme = try run(config: "theme: neon\n")
        XCTAssertEqual(theme.status, 2)
        XCTAssertTrue(theme.stderr.contains("theme is default, mono or ascii"), theme.stderr)
        let yaml = try run(config: "server: [unclosed\n")
        XCTAssertEqual(yaml.status, 2)
        XCTAssertTrue(yaml.stderr.contains("config.yaml"), yaml.stderr)
    }
}

/// `--help` and the completion scripts come from one table of the options the parser takes.
final class HelpAndCompletionTests: XCTestCase {
    func testHelpListsEveryOptionAndEachIsAccepted() throws {
        let help = try Harness.run(Harness.binary, ["--help"])
        XCTAssertEqual(help.status, 0)
        for section in ["OVERVIEW:", "USAGE: argotop", "ARGUMENTS:", "CONNECTION", "OPTIONS", "OTHER:"] where section != "OPTIONS" {
            XCTAssertTrue(help.stdout.contains(section), section)
        }
        // Every option named in the help is one the parser takes (an unknown one exits 2 with "unknown option").
        let names = help.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  -") }
            .flatMap { line in line.split(separator: " ").map(String.init).filter { $0.hasPrefix("-") }.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ",")) } }
        XCTAssertGreaterThan(names.count, 25)
        for name in names where !["-h", "--help", "--version", "--generate-completion-script"].contains(name) {
            let output = try Harness.run(Harness.binary, [name, "x", "--version"])
            XCTAssertFalse(output.stderr.contains("unknown option"), "\(name): \(output.stderr)")
        }
        let unknown = try Harness.run(Harness.binary, ["--no-such-flag"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown option --no-such-flag"))
    }

    func testBashCompletionCompletesFlagsAndValues() throws {
        let script = try Harness.run(Harness.binary, ["--generate-completion-script", "bash"])
        XCTAssertEqual(script.status, 0)
        let file = NSTemporaryDirectory() + "argotop-completion-\(UUID().uuidString).bash"
        try script.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        func complete(_ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let probe = "source \(file); COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); _argotop; printf '%s\\n' \"${COMPREPLY[@]}\""
            return try Harness.run("/bin/bash", ["-c", probe]).stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try complete(["argotop", "--kubec"]), ["--kubeconfig"])
        XCTAssertEqual(Set(try complete(["argotop", "--api", ""])), ["argo", "kubernetes"])
        XCTAssertEqual(Set(try complete(["argotop", "--demo-clock", "f"])), ["frozen"])
        XCTAssertTrue(try complete(["argotop", "-"]).contains("--all-namespaces"))
        for shell in ["zsh", "fish"] {
            let other = try Harness.run(Harness.binary, ["--generate-completion-script", shell])
            XCTAssertEqual(other.status, 0)
            XCTAssertTrue(other.stdout.contains("kubeconfig") && other.stdout.contains("insecure-skip-verify"), shell)
        }
        let bad = try Harness.run(Harness.binary, ["--generate-completion-script", "tcsh"])
        XCTAssertEqual(bad.status, 2)
    }
}

/// HTTP proxies from the usual environment variables (libcurl reads `http_proxy`, `https_proxy`, `no_proxy`),
/// through a forward proxy written in Python on loopback that logs what passes.
final class HTTPProxyTests: XCTestCase {
    static let script = #"""
        import socket, sys, threading
        port_file, log_file = sys.argv[1], sys.argv[2]
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        open(port_file + ".tmp", "w").write(str(listener.getsockname()[1]))
        import os; os.rename(port_file + ".tmp", port_file)
        lock = threading.Lock()

        def serve(client):
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, rest = data.split(b"\r\n\r\n", 1)
                lines = head.split(b"\r\n")
                method, url, version = lines[0].split(b" ")
                assert url.startswith(b"http://")
                hostport, _, path = url[len(b"http://"):].partition(b"/")
                host, _, port = hostport.partition(b":")
                with lock:
                    open(log_file, "a").write(method.decode() + " " + url.decode() + "\n")
                headers = [l for l in lines[1:] if not l.lower().startswith((b"proxy-", b"connection:"))]
                upstream = socket.create_connection((host.decode(), int(port or b"80")))
                upstream.sendall(b" ".join([method, b"/" + path, version]) + b"\r\n" + b"\r\n".join(headers + [b"Connection: close"]) + b"\r\n\r\n" + rest)
                while True:
                    chunk = upstream.recv(65536)
                    if not chunk:
                        break
                    client.sendall(chunk)
            except Exception as error:
                sys.stderr.write("proxy: %s\n" % error)
            finally:
                client.close()

        while True:
            connection, _ = listener.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """#

    func testRequestsGoThroughTheProxyFromTheEnvironment() throws {
        let directory = NSTemporaryDirectory() + "argotop-proxy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try HTTPProxyTests.script.write(toFile: directory + "/proxy.py", atomically: true, encoding: .utf8)
        let demo = DemoServer(cluster: DemoCluster(ordinary: 5))
        try demo.start(port: 0)
        defer { demo.stop() }
        let proxy = Process()
        proxy.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        proxy.arguments = ["python3", directory + "/proxy.py", directory + "/port", directory + "/log"]
        proxy.standardError = FileHandle.nullDevice
        try proxy.run()
        defer { proxy.terminate(); proxy.waitUntilExit() }
        let deadline = Date(timeIntervalSinceNow: 10)
        while !FileManager.default.fileExists(atPath: directory + "/port") && Date() < deadline { usleep(20_000) }
        let port = try String(contentsOfFile: directory + "/port", encoding: .utf8)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.lowercased().hasSuffix("_proxy") && !$0.key.hasPrefix("ARGO_") }
        env["http_proxy"] = "http://127.0.0.1:\(port)"
        let stateFile = directory + "/state.json"
        let output = try Harness.run(
            Harness.binary, ["--server", demo.url, "-n", "argo", "--headless", "--size", "120x30", "--keys", "", "--state-file", stateFile, "argo/db-auditing-x7k2p"],
            environment: env)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("check-grants"), output.stdout)
        let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
        XCTAssertTrue(log.contains("GET \(demo.url)/api/v1/workflows/argo?"), log)
        XCTAssertTrue(log.contains("GET \(demo.url)/api/v1/workflows/argo/db-auditing-x7k2p?"), log)
        // no_proxy sends them straight.
        env["no_proxy"] = "127.0.0.1"
        let lines = log.split(separator: "\n").count
        let direct = try Harness.run(Harness.binary, ["--server", demo.url, "-n", "argo", "--headless", "--size", "120x30", "--keys", ""], environment: env)
        XCTAssertEqual(direct.status, 0)
        XCTAssertTrue(direct.stdout.contains("weekly-report-q8m2z"))
        XCTAssertEqual((try? String(contentsOfFile: directory + "/log", encoding: .utf8))?.split(separator: "\n").count, lines)
    }
}
