import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoTerminal
import ArgoViewModel
import Foundation
import XCTest

/// Runs the built `argotop` binary and other commands for end-to-end tests.
enum Harness {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The argotop binary built beside the test bundle.
    static var binary: String {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [beside, beside.deletingLastPathComponent(), repositoryRoot.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("argotop").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return repositoryRoot.appendingPathComponent(".build/debug/argotop").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a command to its end with posix_spawn and waitpid. Output goes to files, not pipes: a daemon
    /// it starts (tmux) keeps inherited descriptors open long after the command itself has exited.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, timeout: Double = 60) throws -> Output {
        let base = NSTemporaryDirectory() + "argotop-run-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw NSError(domain: "Harness", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable)"])
        }
        var status: Int32 = 0
        let deadline = Date(timeIntervalSinceNow: timeout)
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                XCTFail("\(executable) \(arguments) did not finish in \(timeout) s")
                break
            }
            usleep(10_000)
        }
        let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Output(
            status: exitCode,
            stdout: (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }

    /// `argotop --demo --demo-clock frozen --headless …`: returns the screen and the parsed state file.
    /// - Parameter environment: variables added to this process's environment for the run.
    static func headless(
        size: String, keys: String, extra: [String] = [], environment: [String: String] = [:]
    ) throws -> (screen: String, state: [String: Any]) {
        let stateFile = NSTemporaryDirectory() + "argotop-state-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: stateFile) }
        let env = environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = try run(
            binary, ["--demo", "--demo-clock", "frozen", "--headless", "--size", size, "--keys", keys, "--state-file", stateFile] + extra,
            environment: env)
        XCTAssertEqual(output.status, 0, output.stderr)
        let data = try Data(contentsOf: URL(fileURLWithPath: stateFile))
        let state = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return (output.stdout, state)
    }
}

/// The real runtime and client in this process against a demo server on loopback, for tests that drive the
/// model key by key and look at the server's request log.
final class DemoSession {
    let cluster: DemoCluster
    let server: DemoServer
    let model: AppModel
    let runtime: Runtime

    init(clock: DemoClock = .frozen, ordinary: Int = 5, size: (cols: Int, rows: Int) = (120, 40)) throws {
        cluster = DemoCluster(ordinary: ordinary, clock: clock)
        server = DemoServer(cluster: cluster)
        try server.start(port: 0)
        let client = ArgoClient(settings: ConnectionSettings(baseURL: server.url, namespace: cluster.namespace))
        model = AppModel(server: "test", namespace: cluster.namespace, now: cluster.now)
        runtime = Runtime(model: model, client: client)
        runtime.perform(model.handle(.resize(cols: size.cols, rows: size.rows)))
    }

    func stop() {
        runtime.shutdown()
        server.stop()
        cluster.stop()
    }

    /// Starts on the list, or on a workflow, and waits until idle.
    @discardableResult
    func start(workflow: String? = nil) -> Bool {
        runtime.perform(model.start(workflow: workflow.map { (cluster.namespace, $0) }))
        return runtime.waitUntilIdle(limit: 20)
    }

    /// Types a headless key script, waiting until idle after each key.
    func press(_ keys: String) throws {
        for key in try Key.parseScript(keys) {
            runtime.perform(model.handle(key))
            XCTAssertTrue(runtime.waitUntilIdle(limit: 20))
        }
    }

    var screen: String { Screens.render(model).lines.joined(separator: "\n") }

    func requests(_ prefix: String) -> [String] { server.requestLog.filter { $0.hasPrefix(prefix) } }
}
