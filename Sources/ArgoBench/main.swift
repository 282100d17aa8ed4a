// `make bench`: the speed targets of issue 7, each measured against its peer in the same run, as a table.
// Not a test: nothing in `make test` depends on timing. Build it in release (`swift build -c release`).
import ArgoAPI
import ArgoDemo
import ArgoRender
import ArgoViewModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

setvbuf(stdout, nil, _IOLBF, 0)

// MARK: Timing

/// Wall time, for whole processes.
func wall() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// This thread's CPU time, for work inside one process: on a machine shared with other work it counts what
/// the work costs, not the time it waited for a core. Python's side uses the same clock (`time.thread_time`).
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

/// The time of one call of `body`.
func once(_ body: () -> Void) -> Double {
    let t = now()
    body()
    return now() - t
}

// MARK: The table

struct Row {
    var figure: String
    var ours: String
    var peer: String
    var ratio: String
    var target: String
    /// nil: informational (no target).
    var pass: Bool?
}

var rows: [Row] = []
let arguments = Set(CommandLine.arguments.dropFirst())
let quick = arguments.contains("--quick")
/// `--only 1,6`: only those targets (2 and 4 come together); all when absent.
let only: Set<Int>? = CommandLine.arguments.firstIndex(of: "--only").flatMap { i in
    i + 1 < CommandLine.arguments.count ? Set(CommandLine.arguments[i + 1].split(separator: ",").compactMap { Int($0) }) : nil
}
func wants(_ target: Int) -> Bool { only.map { $0.contains(target) } ?? true }

func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }
func mb(_ bytes: Double) -> String { String(format: "%.1f MB", bytes / 1e6) }

func report(_ row: Row) {
    rows.append(row)
    let verdict = row.pass.map { $0 ? "pass" : "FAIL" } ?? "-"
    print("  \(row.figure): ours \(row.ours), peer \(row.peer), ratio \(row.ratio), target \(row.target): \(verdict)")
}

func printTable() {
    let header = ["figure", "ours", "peer", "ratio", "target", "pass/fail"]
    let cells = rows.map { [$0.figure, $0.ours, $0.peer, $0.ratio, $0.target, $0.pass.map { $0 ? "pass" : "FAIL" } ?? "-"] }
    var widths = header.map { $0.count }
    for line in cells { for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) } }
    func format(_ line: [String]) -> String {
        "| " + line.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: " | ") + " |"
    }
    print(format(header))
    print("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
    for line in cells { print(format(line)) }
    let failed = rows.filter { $0.pass == false }.count
    let met = rows.filter { $0.pass == true }.count
    print("\(met) targets met, \(failed) not met")
}

// MARK: Processes

/// Runs a command to its end; returns the wall time and stdout.
func spawn(_ executable: String, _ args: [String], environment: [String: String]? = nil) -> (seconds: Double, status: Int32, stdout: String) {
    let out = NSTemporaryDirectory() + "argobench-\(getpid())-\(UUID().uuidString).out"
    defer { unlink(out) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, out + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    defer { unlink(out + ".err") }
    let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    let argv = ([executable] + args).map { strdup($0) } + [nil]
    let envp = env.map { strdup($0) } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let start = wall()
    guard posix_spawnp(&pid, executable, &actions, nil, argv, envp) == 0 else {
        fputs("argobench: cannot start \(executable)\n", stderr)
        exit(2)
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let seconds = wall() - start
    let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    if exitCode != 0 {
        let err = (try? String(contentsOfFile: out + ".err", encoding: .utf8)) ?? ""
        fputs("argobench: \(executable) \(args.joined(separator: " ")) exited \(exitCode): \(err.prefix(400))\n", stderr)
    }
    return (seconds, exitCode, text)
}

let python = "python3"
let binDir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
let argotop = binDir + "/argotop"
let work = NSTemporaryDirectory() + "argobench-\(getpid())"
try? FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }
/// No config file, no ARGO_* from the caller's shell.
let cleanEnvironment: [String: String] = {
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ARGO_") && $0.key != "KUBECONFIG" }
    env["HOME"] = work
    env["XDG_CONFIG_HOME"] = work
    return env
}()

/// The peak resident memory (bytes) of a command, measured from a small python3 parent: a child started from
/// this (big) process would report this process's memory as its own peak (the kernel keeps the high-water
/// mark of the memory the child had before its exec).
func peakMemory(_ executable: String, _ args: [String]) -> Double {
    let script = """
        import os, resource, sys
        pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
            file_actions=[(os.POSIX_SPAWN_OPEN, 1, '/dev/null', os.O_WRONLY, 0), (os.POSIX_SPAWN_OPEN, 2, '/dev/null', os.O_WRONLY, 0)])
        os.waitpid(pid, 0)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """
    let result = spawn(python, ["-c", script, executable] + args, environment: cleanEnvironment)
    return (Double(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .nan) * 1024
}

/// A python3 process kept running beside this one: each `loads` has it time one `json.loads` of a file's bytes
/// (`time.thread_time`, inside Python) and answer at once. So a run of ours and a run of Python's are taken
/// within milliseconds of each other: a machine whose speed changes from second to second (a virtual machine
/// sharing its cores) slows both of a pair alike.
final class PythonPeer {
    private var pid: pid_t = 0
    private let toPeer: Int32
    private let fromPeer: FileHandle
    private var pending = Data()

    init?() {
        let script = """
            import json, sys, time
            files = {}
            for line in sys.stdin:
                path = line.rstrip('\\n')
                if path not in files:
                    files[path] = open(path, 'rb').read()
                    json.loads(files[path])
                data = files[path]
                t = time.thread_time(); json.loads(data); elapsed = time.thread_time() - t
                print(elapsed, flush=True)
            """
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        for fd in input + output { posix_spawn_file_actions_addclose(&actions, fd) }
        let env = cleanEnvironment.map { "\($0.key)=\($0.value)" }
        let words: [String] = ["python3", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        guard posix_spawnp(&pid, "python3", &actions, nil, argv, envp) == 0 else { return nil }
        close(input[0])
        close(output[1])
        toPeer = input[1]
        fromPeer = FileHandle(fileDescriptor: output[0], closeOnDealloc: true)
    }

    deinit {
        close(toPeer)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// The seconds of one `json.loads` of the file at `path` (its first use reads and loads it once, untimed).
    func loads(_ path: String) -> Double {
        let line = Array((path + "\n").utf8)
        _ = line.withUnsafeBytes { write(toPeer, $0.baseAddress, $0.count) }
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: pending[pending.startIndex..<end], as: UTF8.self)
                pending = Data(pending[(end + 1)...])
                return Double(text) ?? .nan
            }
            let chunk = fromPeer.availableData
            if chunk.isEmpty { return .nan }
            pending.append(chunk)
        }
    }
}

// MARK: Workflows

/// A looping DAG of `items` audits: 3 + 5 × items nodes; one item in 97 fails.
func workflow(items: Int) -> (name: String, json: JSONValue, bytes: [UInt8]) {
    let name = "bench-\(items)"
    let failing = Set(stride(from: 13, to: items, by: 97))
    let json = DemoCluster.loopingDAG(name: name, namespace: "bench", items: items, failing: failing, now: DemoCluster.frozenNow)
    return (name, json, json.serialized())
}

/// A model showing the workflow, sized like a big terminal.
func openModel(_ wf: Workflow) -> AppModel {
    let model = AppModel(server: "bench", namespace: "bench", now: DemoCluster.frozenNow, ascii: false, insecure: false)
    _ = model.handle(.resize(cols: 160, rows: 50))
    _ = model.start(workflow: ("bench", wf.name))
    _ = model.handle(.workflow(namespace: "bench", name: wf.name, .success(wf), bytes: 0))
    return model
}

/// What the client does with the body of `GET /api/v1/workflows/{ns}/{name}` (`ArgoClient.decodeJSON`).
func decode(_ data: Data) -> Workflow {
    do {
        return try FastWorkflowDecoder.decode(data)
    } catch {
        fputs("argobench: decode failed: \(error)\n", stderr)
        exit(2)
    }
}

// `--profile [N]`: only decode and build a workflow of N items (2,000: 10,003 nodes), over and over (for perf record).
if let i = CommandLine.arguments.firstIndex(of: "--profile") {
    let items = CommandLine.arguments.dropFirst(i + 1).first.flatMap { Int($0) } ?? 2000
    let data = Data(workflow(items: items).bytes)
    for _ in 0..<max(20, 100_000 / items) { _ = Screens.render(openModel(decode(data))) }
    exit(0)
}

// `--split [N]`: where the time of opening a workflow of N items goes: decode, model, draw, freeing (medians).
if let i = CommandLine.arguments.firstIndex(of: "--split") {
    let items = CommandLine.arguments.dropFirst(i + 1).first.flatMap { Int($0) } ?? 300
    let data = Data(workflow(items: items).bytes)
    var parts: [[Double]] = [[], [], [], []]
    for _ in 0..<200 {
        var t = now()
        var model: AppModel? = nil
        do {
            let wf = decode(data)
            parts[0].append(now() - t)
            t = now()
            model = openModel(wf)
        }
        parts[1].append(now() - t)
        t = now()
        _ = Screens.render(model!)
        parts[2].append(now() - t)
        t = now()
        model = nil
        parts[3].append(now() - t)
    }
    print(zip(["decode", "model", "draw", "free"], parts).map { "\($0) \(ms(median($1)))" }.joined(separator: ", "))
    exit(0)
}

// `--search`: a search (`/Drift`) in the 10,003- and 50,003-node trees, the first time (every node read)
// and again.
if arguments.contains("--search") {
    for items in [2000, 10000] {
        let wf = decode(Data(workflow(items: items).bytes))
        let tree = NodeTree(workflowName: wf.name, nodes: wf.nodes)
        var t = now()
        let found = tree.matches("Drift")
        let first = now() - t
        t = now()
        _ = tree.matches("Drift")
        print("\(wf.nodes.count) nodes: \(found.count) matches, first \(ms(first)), again \(ms(now() - t))")
    }
    exit(0)
}

// `--profile-decode [N]`, `--profile-tree`: only decode (a workflow of N items), or only build the tree of the
// 10,003-node workflow (for perf).
if let i = CommandLine.arguments.firstIndex(of: "--profile-decode") {
    let items = CommandLine.arguments.dropFirst(i + 1).first.flatMap { Int($0) } ?? 2000
    let data = Data(workflow(items: items).bytes)
    for _ in 0..<max(30, 200_000 / items) { _ = decode(data) }
    exit(0)
}
if arguments.contains("--profile-tree") {
    let wf = decode(Data(workflow(items: 2000).bytes))
    var keep: [NodeTree] = []
    for _ in 0..<30 { keep.append(NodeTree(workflowName: wf.name, nodes: wf.nodes)) }
    print(keep.count)
    exit(0)
}
// `--serve N`: only serve a workflow of N items (3 + 5 × N nodes) on loopback, namespace bench, until killed.
if let i = CommandLine.arguments.firstIndex(of: "--serve"), i + 1 < CommandLine.arguments.count, let items = Int(CommandLine.arguments[i + 1]) {
    let cluster = DemoCluster(now: DemoCluster.frozenNow, ordinary: 0)
    let wf = workflow(items: items)
    cluster.insert(wf.json)
    let server = DemoServer(cluster: cluster)
    try server.start(port: 0)
    print("\(server.url) -n bench \(wf.name) (\(wf.bytes.count) bytes)")
    while true { sleep(3600) }
}

// `--profile-keys`: only press ↓ (and draw) 3,000 times in the unfolded 50,003-node tree; `--profile-fold`: only
// fold and unfold its 10,000-member group 40 times, drawing each (for perf record).
for (flag, key, times, unfolded) in [("--profile-keys", Key.down, 3000, true), ("--profile-fold", Key.space, 40, false)]
where arguments.contains(flag) {
    let model = openModel(decode(Data(workflow(items: 10000).bytes)))
    _ = model.handle(.down)
    _ = model.handle(.down)
    if unfolded { _ = model.handle(.space) }
    for _ in 0..<times {
        _ = model.handle(key)
        _ = Screens.render(model)
    }
    exit(0)
}

// `--memory FILE`: resident memory at each step of opening a workflow read from FILE (for finding what costs).
func residentMB() -> String {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let pick = { (key: String) in status.split(separator: "\n").first { $0.hasPrefix(key) }.map { String($0.dropFirst(key.count)).trimmingCharacters(in: .whitespaces) } ?? "?" }
    return "rss " + pick("VmRSS:") + ", peak " + pick("VmHWM:")
}
if let i = CommandLine.arguments.firstIndex(of: "--memory"), i + 1 < CommandLine.arguments.count {
    print("start: \(residentMB())")
    let data = try Data(contentsOf: URL(fileURLWithPath: CommandLine.arguments[i + 1]))
    print("read \(data.count) bytes: \(residentMB())")
    let wf = decode(data)
    print("decoded \(wf.nodes.count) nodes: \(residentMB())")
    let model = openModel(wf)
    print("model built: \(residentMB())")
    _ = Screens.render(model)
    print("drawn: \(residentMB())")
    exit(0)
}

let sizes: [(label: String, items: Int)] = quick ? [("1,500", 300), ("10,000", 2000)] : [("1,500", 300), ("10,000", 2000), ("50,000", 10000)]
// Only the bytes are kept: the generated JSON trees (millions of small objects at 50,000 nodes) would leave the
// heap as no argotop process has it, and slow every allocation measured after them.
var generated: [Int: (name: String, bytes: [UInt8])] = [:]
for size in sizes {
    let wf = workflow(items: size.items)
    generated[size.items] = (wf.name, wf.bytes)
}

// MARK: 1. Decode and build

if wants(1) { print("1. decode and build (bytes → tree view-model drawn once) against Python json.loads on the same bytes: runs in pairs, the ratio the median of the pairs' ratios") }
let peer = PythonPeer()!
for size in sizes where wants(1) {
    let wf = generated[size.items]!
    let data = Data(wf.bytes)
    let path = work + "/\(wf.name).json"
    _ = FileManager.default.createFile(atPath: path, contents: data)
    let pairs = size.items >= 10000 ? 9 : size.items >= 2000 ? 25 : 61
    // Pairs: one run of Python's, then one of ours (decode+build), then one of ours (decode only), within
    // milliseconds; each pair gives a ratio, and the figure is their median.
    var peers: [Double] = [], decodes: [Double] = [], wholes: [Double] = []
    func whole() {
        let model = openModel(decode(data))
        _ = Screens.render(model)
    }
    _ = peer.loads(path)
    whole()
    for _ in 0..<pairs {
        peers.append(peer.loads(path))
        wholes.append(once(whole))
        decodes.append(once { _ = decode(data) })
    }
    let ratios = (wholes: zip(wholes, peers).map { $0 / $1 }, decodes: zip(decodes, peers).map { $0 / $1 })
    let nodes = decode(data).nodes.count
    report(Row(figure: "1 decode only, \(nodes) nodes (\(mb(Double(data.count))))", ours: ms(median(decodes)), peer: ms(median(peers)),
        ratio: String(format: "%.2f", median(ratios.decodes)), target: "-", pass: nil))
    let ratio = median(ratios.wholes)
    report(Row(figure: "1 decode+build, \(nodes) nodes", ours: ms(median(wholes)), peer: ms(median(peers)),
        ratio: String(format: "%.2f", ratio), target: "≤ 0.25", pass: ratio <= 0.25))
}

// MARK: 2 and 4. The whole process over loopback; its memory

let cluster = DemoCluster(now: DemoCluster.frozenNow, ordinary: 0)
let big = workflow(items: 2000)
cluster.insert(big.json)
let server = DemoServer(cluster: cluster)
do { try server.start(port: 0) } catch {
    fputs("argobench: cannot start the demo server: \(error)\n", stderr)
    exit(2)
}
if wants(2) || wants(4) { print("2. argotop --headless opening \(big.name) from \(server.url) vs python3 fetching it with urllib and json.loads") }
if wants(2) || wants(4), FileManager.default.isExecutableFile(atPath: argotop) {
    let ourArgs = ["--headless", "--server", server.url, "-n", "bench", "--size", "160x50", big.name]
    let peerScript = "import json, sys, urllib.request; json.loads(urllib.request.urlopen(sys.argv[1]).read())"
    let url = server.url + "/api/v1/workflows/bench/" + big.name
    var ours: [Double] = []
    var peer: [Double] = []
    var rss: [Double] = []
    var screen = ""
    for _ in 0..<(quick ? 3 : 7) {
        let o = spawn(argotop, ourArgs, environment: cleanEnvironment)
        ours.append(o.seconds)
        rss.append(peakMemory(argotop, ourArgs))
        screen = o.stdout
        peer.append(spawn(python, ["-c", peerScript, url], environment: cleanEnvironment).seconds)
    }
    if !screen.contains("audit") { fputs("argobench: the headless screen does not show the workflow:\n\(screen)\n", stderr) }
    let o = median(ours), p = median(peer)
    report(Row(figure: "2 whole process, 10,003 nodes over loopback", ours: ms(o), peer: ms(p),
        ratio: String(format: "%.2f", o / p), target: "≤ 1.0", pass: o / p <= 1.0))
    let size = Double(big.bytes.count)
    let limit = 2 * size + 30e6
    let peak = median(rss)
    report(Row(figure: "4 peak RSS opening 10,003 nodes (JSON \(mb(size)))", ours: mb(peak), peer: "2×JSON+30MB = " + mb(limit),
        ratio: String(format: "%.2f", peak / limit), target: "≤ 1.0", pass: peak <= limit))
    // The same process asked for a workflow that is not there: what the program costs before any workflow.
    let baseline = median((0..<3).map { _ in peakMemory(argotop, ["--headless", "--server", server.url, "-n", "bench", "--size", "160x50", "no-such-workflow"]) })
    report(Row(figure: "4 peak RSS of the same run without the workflow (404)", ours: mb(baseline), peer: "-",
        ratio: String(format: "workflow: %.1f× JSON", (peak - baseline) / size), target: "-", pass: nil))
} else if wants(2) || wants(4) {
    print("  no argotop binary beside the benchmark (\(argotop)): build it with swift build -c release")
}

// MARK: 3. Keys

if wants(3) { print("3. a key press to a new frame (model.handle + Screens.render), median") }
func keyFigures(items: Int, label: String) -> (down: Double, fold: Double, unfold: Double, members: Int) {
    let wf = decode(Data(generated[items]!.bytes))
    let model = openModel(wf)
    // Rows: the root, list-databases, the folded audit group.
    _ = model.handle(.down)
    _ = model.handle(.down)
    guard let selected = model.selection, selected.kind == .group else {
        fputs("argobench: the third row is not the audit group (\(String(describing: model.selection)))\n", stderr)
        exit(2)
    }
    var fold: [Double] = []
    var unfold: [Double] = []
    /// A key to its new frame.
    func frame(_ key: Key) -> Double {
        once {
            _ = model.handle(key)
            _ = Screens.render(model)
        }
    }
    for i in 0..<(quick ? 10 : 20) {
        let t = frame(.space)
        if i % 2 == 0 { unfold.append(t) } else { fold.append(t) }
    }
    _ = model.handle(.space)  // open
    let down = (0..<500).map { _ in frame(.down) }
    return (median(down), median(fold), median(unfold), items)
}
var downs: [String: Double] = [:]
for size in sizes where size.items >= 2000 && wants(3) {
    let f = keyFigures(items: size.items, label: size.label)
    downs[size.label] = f.down
    report(Row(figure: "3 key ↓ to frame, \(size.label) nodes", ours: ms(f.down), peer: "-", ratio: "-", target: "< 1 ms",
        pass: f.down < 0.001))
    report(Row(figure: "3 fold a \(f.members)-member group", ours: ms(f.fold), peer: "-", ratio: "-",
        target: "< 5 ms", pass: f.fold < 0.005))
    report(Row(figure: "3 unfold a \(f.members)-member group", ours: ms(f.unfold), peer: "-", ratio: "-", target: "-", pass: nil))
}
if let small = downs["10,000"], let large = downs["50,000"] {
    report(Row(figure: "3 key ↓ 50,000 vs 10,000 nodes", ours: ms(large), peer: ms(small), ratio: String(format: "%.2f", large / small),
        target: "≤ 1.5 (same)", pass: large / small <= 1.5))
}

// MARK: 6. Terminal bytes of moving the selection, through the real ncurses front in a pseudo-terminal

/// Counts what a command writes to its terminal: run under `script` (a pseudo-terminal), keys sent to it.
final class TerminalRun: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    private let lock = NSLock()
    private var received = 0
    private var last = wall()
    /// Everything received, kept only when `BENCH_DUMP` asks for the bytes of each step.
    private var kept: Data?

    init(_ command: String, columns: Int, lines: Int, keep: Bool = false) throws {
        kept = keep ? Data() : nil
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        var env = cleanEnvironment
        env["TERM"] = "xterm-256color"
        env["COLUMNS"] = String(columns)
        env["LINES"] = String(lines)
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = "C.UTF-8"
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.lock()
            self.received += data.count
            self.kept?.append(data)
            self.last = wall()
            self.lock.unlock()
        }
        try process.run()
    }

    var bytes: Int { lock.withLock { received } }

    /// The bytes received from `offset` on (empty unless kept).
    func bytes(from offset: Int) -> Data { lock.withLock { kept.map { Data($0[min(offset, $0.count)...]) } ?? Data() } }

    /// Waits until nothing came for `quiet` seconds from now on (at most `limit`).
    func settle(quiet: Double, limit: Double) {
        let start = wall()
        let deadline = start + limit
        while wall() < deadline {
            let idle = lock.withLock { wall() - max(last, start) }
            if idle >= quiet { return }
            usleep(20_000)
        }
    }

    func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

    /// Sends `key` `times` times, each after a quiet moment; the bytes each one caused (and the idle bytes
    /// before each). With `BENCH_DUMP=DIR`, each step's bytes go to DIR/NAME-I.bin.
    func measure(_ key: String, times: Int, name: String) -> (moves: [Int], idle: [Int]) {
        var moves: [Int] = []
        var idle: [Int] = []
        for i in 0..<times {
            var before = bytes
            settle(quiet: 0.4, limit: 3)
            idle.append(bytes - before)
            before = bytes
            send(key)
            settle(quiet: 0.4, limit: 3)
            moves.append(bytes - before)
            dump(name + "-\(i)", from: before)
        }
        return (moves, idle)
    }

    func dump(_ name: String, from offset: Int) {
        guard let dir = ProcessInfo.processInfo.environment["BENCH_DUMP"], kept != nil else { return }
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try? bytes(from: offset).write(to: URL(fileURLWithPath: dir + "/" + name + ".bin"))
    }

    func finish() {
        send("q")
        let deadline = wall() + 5
        while process.isRunning && wall() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        output.fileHandleForReading.readabilityHandler = nil
    }
}

if wants(6) { print("6. bytes written to the terminal by one ↓ (ncurses front under script(1), 160x50, the 10,003-node tree, its group unfolded)") }
if wants(6), FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), FileManager.default.isExecutableFile(atPath: argotop) {
    do {
        let keep = ProcessInfo.processInfo.environment["BENCH_DUMP"] != nil
        let command = "exec \(argotop) --server \(server.url) -n bench \(big.name)"
        let run = try TerminalRun(command, columns: 160, lines: 50, keep: keep)
        run.settle(quiet: 1.5, limit: 30)
        let opened = run.bytes
        run.dump("first", from: 0)
        // Down to the audit group and unfold it: 2,000 rows of steps to move through.
        run.send("jj ")
        run.settle(quiet: 0.5, limit: 5)
        let times = quick ? 5 : 15
        let down = run.measure("j", times: times, name: "down")
        let up = run.measure("k", times: times, name: "up")
        let page = run.measure("\u{1b}[6~", times: times, name: "pgdn")
        run.finish()
        let move = median(down.moves.map(Double.init))
        report(Row(figure: "6 terminal bytes of one ↓ (first frame \(opened) B; idle \(Int(median(down.idle.map(Double.init)))) B)",
            ours: "\(Int(move)) B", peer: "-", ratio: "-", target: "≤ 300 B", pass: opened > 1000 && move <= 300))
        report(Row(figure: "6 terminal bytes of one ↑", ours: "\(Int(median(up.moves.map(Double.init)))) B", peer: "-", ratio: "-",
            target: "-", pass: nil))
        report(Row(figure: "6 terminal bytes of one PgDn", ours: "\(Int(median(page.moves.map(Double.init)))) B", peer: "-", ratio: "-",
            target: "-", pass: nil))
        // The workflow list of a namespace of the demo's designed workflows.
        let listRun = try TerminalRun("exec \(argotop) --server \(server.url) -n argo", columns: 160, lines: 50, keep: keep)
        listRun.settle(quiet: 1.5, limit: 30)
        let listOpened = listRun.bytes
        listRun.dump("list-first", from: 0)
        let listDown = listRun.measure("j", times: times, name: "list-down")
        listRun.finish()
        report(Row(figure: "6 terminal bytes of one ↓ in the workflow list (first frame \(listOpened) B)",
            ours: "\(Int(median(listDown.moves.map(Double.init)))) B", peer: "-", ratio: "-", target: "-", pass: nil))
    } catch {
        print("  cannot run script(1): \(error)")
    }
} else if wants(6) {
    print("  needs /usr/bin/script (util-linux) and the argotop binary")
}

// MARK: 5. Bytes: the first screen of a list of 5,000 workflows; what opening leaves out

if wants(5) { print("5. bytes: argotop --headless --debug on a namespace of 5,000 workflows; the fields opening a workflow leaves out") }
if wants(5), FileManager.default.isExecutableFile(atPath: argotop) {
    let crowd = DemoCluster(now: DemoCluster.frozenNow, ordinary: 5000)
    let crowdServer = DemoServer(cluster: crowd)
    do {
        try crowdServer.start(port: 0)
        let log = work + "/transfers.jsonl"
        _ = spawn(argotop, ["--headless", "--server", crowdServer.url, "-n", crowd.namespace, "--size", "160x50", "--debug", log],
            environment: cleanEnvironment)
        let records = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        let lists = records.filter { ($0["endpoint"] as? String) == "list" }
        let listBytes = lists.compactMap { $0["bytes"] as? Int }.reduce(0, +)
        let total = crowd.workflows(inNamespace: crowd.namespace).count
        let rows = min(total, 100 * max(1, lists.count))
        report(Row(figure: "5 list requests for the first screen (\(total) workflows)", ours: "\(lists.count)", peer: "-", ratio: "-",
            target: "1 page", pass: lists.count == 1))
        let perRow = Double(listBytes) / Double(max(1, rows))
        report(Row(figure: "5 list bytes per row", ours: String(format: "%.0f B", perRow), peer: "-", ratio: "-",
            target: "≤ 1,500 B", pass: perRow <= 1500 && !lists.isEmpty))
        crowdServer.stop()
    } catch {
        print("  cannot start the second demo server: \(error)")
    }
}
if wants(5) {
let leftOut = ["status.storedTemplates", "status.storedWorkflowTemplateSpec", "metadata.managedFields"]
let excluded = Endpoints.getExclusions.split(separator: ",").map { $0.hasPrefix("-") ? String($0.dropFirst()) : String($0) }
report(Row(figure: "5 opening leaves out " + leftOut.joined(separator: ", "), ours: leftOut.allSatisfy(excluded.contains) ? "yes" : "no",
    peer: "-", ratio: "-", target: "yes", pass: leftOut.allSatisfy(excluded.contains)))
}

// The third part: argotop following a running 10,003-node workflow (the real binary, headless, kept live by
// ARGOTOP_HEADLESS_SETTLE) against a peer that re-fetches the whole object (with the same `fields`) on every
// change the cluster made to it.
func measureRunningWorkflow() {
    let seconds: Double = quick ? 30 : 60
    let items = 2000
    let name = "bench-running-\(items)"
    let failing = Set(stride(from: 13, to: items, by: 97))
    print("5. argotop --headless following \(name) while it runs for \(Int(seconds)) s (real time, the cluster written every 1 s in which a step started or ended) vs re-fetching it on every change")
    guard FileManager.default.isExecutableFile(atPath: argotop) else {
        print("  no argotop binary beside the benchmark (\(argotop)): build it with swift build -c release")
        return
    }
    let live = DemoCluster(now: Date().timeIntervalSince1970, ordinary: 0, clock: .live(speed: 1))
    defer { live.stop() }
    live.maxKeptEvents = 100_000
    // Every item has started (the workflow has all its nodes but the steps still to come); its busiest minutes.
    let timeline = DemoCluster.loopingDAGTimeline(name: name, items: items, failing: failing)
    let elapsed = timeline.lastItemStart + 1
    guard timeline.duration - elapsed > seconds + 10 else {
        print("  the workflow ends too soon after its last item starts (\(timeline.duration - elapsed) s)")
        return
    }
    live.runLoopingDAG(name: name, namespace: "bench", items: items, failing: failing, elapsed: elapsed)
    let liveServer = DemoServer(cluster: live)
    do { try liveServer.start(port: 0) } catch {
        print("  cannot start the live demo server: \(error)")
        return
    }
    defer { liveServer.stop() }
    let log = work + "/running.jsonl"
    var env = cleanEnvironment
    env["ARGOTOP_HEADLESS_SETTLE"] = String(seconds)
    let before = live.resourceVersion
    let opened = live.workflow(named: name)
    let run = spawn(argotop, ["--headless", "--server", liveServer.url, "-n", "bench", "--size", "160x50", "--debug", log, name],
        environment: env)
    let records = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    func bytes(_ endpoint: String?) -> Int {
        records.filter { endpoint == nil || ($0["endpoint"] as? String) == endpoint }.compactMap { $0["bytes"] as? Int }.reduce(0, +)
    }
    let gets = records.filter { ($0["endpoint"] as? String) == "get" }
    let ours = bytes(nil)
    let screen = run.stdout
    if ProcessInfo.processInfo.environment["ARGOBENCH_SHOW"] != nil { print(screen) }
    // The changes the peer pays for: those argotop followed, up to the one its last screen shows (its header's
    // progress; pods only ever add and succeed, so progress never goes back); the few made while it quit are
    // left out, though their watch bytes count in ours. The cluster's clock is the wall's (speed 1, started
    // now); without a match, up to the end of argotop's watch.
    let shownProgress = screen.range(of: "progress [0-9]+/[0-9]+", options: .regularExpression).map { String(screen[$0].dropFirst("progress ".count)) } ?? "?"
    let watchEnd = records.filter { ($0["endpoint"] as? String) == "watch" }.compactMap { ($0["time"] as? String).flatMap(Timestamp.init(rfc3339:))?.seconds }.max() ?? live.now
    var changes = (live.events(after: before) ?? []).filter {
        $0.time <= watchEnd && $0.object["metadata"]?["name"]?.stringValue == name
    }
    let lastProgress = (changes.last?.object ?? opened)?["status"]?["progress"]?.stringValue ?? "?"
    if let shown = changes.lastIndex(where: { $0.object["status"]?["progress"]?.stringValue == shownProgress }) {
        changes = Array(changes[...shown])
    }
    // The peer: the object as GET serves it (argotop's exclusions) when opened, then again on every change.
    let cleaner = FieldCleaner(Endpoints.getExclusions)
    let sizes = ([opened].compactMap { $0 } + changes.map(\.object)).map { cleaner.clean($0).serialized().count }
    let peer = sizes.reduce(0, +)
    let ratio = Double(ours) / Double(max(1, peer))
    func count(_ wf: JSONValue?) -> Int {
        if case .object(let nodes)? = wf?["status"]?["nodes"] { return nodes.count }
        return 0
    }
    let followed = run.status == 0 && gets.count >= 2 && screen.contains(name)
    if !followed { fputs("argobench: argotop did not follow \(name) (exit \(run.status), \(gets.count) reads):\n\(screen)\n", stderr) }
    let average = sizes.isEmpty ? 0 : Double(peer) / Double(sizes.count)
    let interval = AppModel.refreshInterval(bytes: Int(average))
    print("  \(name): \(count(opened)) nodes when opened, \(count(changes.last?.object ?? opened)) at the end; \(changes.count) changes in \(Int(seconds)) s, \(mb(average)) each as GET serves it")
    print("  argotop: \(gets.count) reads (\(mb(Double(bytes("get"))))), watch \(bytes("watch")) B, lists \(bytes("list")) B, other \(ours - bytes("get") - bytes("watch") - bytes("list")) B; nodes read again at most every \(String(format: "%.1f", interval)) s, the header followed every change (progress on screen \(shownProgress), the cluster's last before argotop quit \(lastProgress))")
    report(Row(figure: "5 a 10,003-node workflow running \(Int(seconds)) s (\(changes.count) changes) vs re-fetching on every change", ours: mb(Double(ours)), peer: mb(Double(peer)),
        ratio: String(format: "%.1f%%", ratio * 100), target: "≤ 10%", pass: followed && changes.count >= Int(seconds / 2) && ratio <= 0.10))
}
if wants(5) { measureRunningWorkflow() }

server.stop()
print("")
printTable()
