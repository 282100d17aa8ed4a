import ArgoAPI
import Foundation

/// How the demo cluster's clock moves.
public enum DemoClock: Sendable, Equatable {
    /// Nothing moves: the cluster stays as it was made (captures, tests of still screens).
    case frozen
    /// Time moves only when told: `advance(by:)`, `tick(to:)` (deterministic tests).
    case manual
    /// Time follows the wall clock, `speed` times as fast (1 = real time).
    case live(speed: Double)
}

/// The simulated cluster the demo server serves: generated in code, the same for the same seed and clock.
/// Unless frozen, it moves: `nightly-etl-5fj2d` runs to its end, and a new ordinary workflow starts about every
/// 20 simulated seconds, runs 10–30 s, finishes, and is deleted 5 minutes later. Every change bumps the
/// cluster's resourceVersion (and the object's) and is kept for watches (`events(after:)`).
public final class DemoCluster: @unchecked Sendable {
    /// The instant the frozen clock shows: 2026-11-28T12:00:00Z.
    public static let frozenNow: Double = 1_795_867_200
    public static let defaultNamespace = "argo"

    /// The instant the cluster was made at; designed workflows are placed relative to it.
    public let origin: Double
    public let namespace: String
    /// The archive as the cluster was made (set once, in `init`): runs fired later are added when asked for.
    private(set) var madeArchive: [(at: Double, workflow: JSONValue)] = []
    public let clock: DemoClock
    /// How many changes a watch can still catch up on; older resourceVersions are "too old" (410).
    public var maxKeptEvents: Int {
        get { state.withLock { maxEvents } }
        set { state.withLock { maxEvents = max(1, newValue) } }
    }

    /// One change, as a watch sends it.
    public struct Event: Sendable {
        public var resourceVersion: Int
        public var type: String
        public var object: JSONValue
        /// The cluster's instant when it happened.
        public var time: Double = 0
    }

    private let state = NSCondition()
    private var current: Double
    private var list: [JSONValue] = []
    private var byName: [String: Int] = [:]
    private var version: Int
    private var eventLog: [Event] = []
    private var compacted: Int
    private var maxEvents = 1000
    private var ticks = 0
    private var scripts: [String: Script] = [:]
    private var upcoming: [Change] = []
    private var changeOrder = 0
    private var spawner: Spawner?
    private var runners: [Runner] = []
    private var gone: [String: (workflow: String, nodeID: String)] = [:]
    private var ticking = false

    /// - Parameter ordinary: how many ordinary workflows to add beside the designed ones.
    /// - Parameter clock: `.frozen` (default) keeps everything still; see `DemoClock`.
    public init(
        now: Double = DemoCluster.frozenNow, seed: UInt64 = 42, ordinary: Int = 60,
        namespace: String = DemoCluster.defaultNamespace, clock: DemoClock = .frozen
    ) {
        origin = now
        current = now
        self.namespace = namespace
        self.clock = clock
        version = clock == .frozen ? 4242 : 1_000_000
        compacted = version
        var random = SeededRandom(seed: seed)
        var built: [(Double, JSONValue)] = []
        for builder in designed() { built.append((builder.created, builder.build())) }
        for i in 0..<ordinary { let b = ordinaryWorkflow(i, random: &random); built.append((b.created, b.build())) }
        for b in otherNamespaceWorkflows(seed: seed) { built.append((b.created, b.build())) }
        built.append((origin - 3_600, hygieneSample(name: "feature-matrix-k2m9x", clean: false, namespace: "data-platform")))
        built.sort { $0.0 > $1.0 }
        list = built.map { $0.1 }
        reindex()
        for wf in list { registerGonePods(of: wf) }
        madeArchive = archiveAtOrigin()
        if clock != .frozen {
            // Objects carry versions below the cluster's, oldest first, all still resumable: a watch may start
            // from a workflow's own resourceVersion.
            compacted = version - list.count
            for (i, wf) in list.reversed().enumerated() {
                list[list.count - 1 - i] = wf.settingResourceVersion(String(compacted + 1 + i))
            }
            scheduleNightlyETL()
            scheduleAuditQueue()
            scheduleCronRuns()
            spawner = Spawner(seed: seed, next: origin + 20)
        }
        if case .live(let speed) = clock { startTicking(speed: speed) }
    }

    deinit { stop() }

    /// The cluster's current instant.
    public var now: Double { state.withLock { current } }

    /// The cluster's resourceVersion: that of its latest change (what a list answers).
    public var resourceVersion: Int { state.withLock { version } }

    /// Changes at or below this resourceVersion are no longer kept: a watch from before it is too old.
    public var oldestResumableVersion: Int { state.withLock { compacted } }

    /// Workflows newest first, as the server lists them.
    public var workflows: [JSONValue] { state.withLock { list } }

    public func workflow(named name: String) -> JSONValue? { state.withLock { byName[name].map { list[$0] } } }

    public func workflows(inNamespace ns: String) -> [JSONValue] {
        let all = workflows
        return ns.isEmpty ? all : all.filter { $0["metadata"]?["namespace"]?.stringValue == ns }
    }

    /// Adds a workflow as the newest (for benchmarks and tests that need one of their own, e.g. a big one).
    public func insert(_ workflow: JSONValue) {
        state.withLock {
            list.insert(workflow, at: 0)
            reindex()
        }
    }

    /// The workflows and the resourceVersion they are at, read together.
    public func snapshot() -> (workflows: [JSONValue], resourceVersion: Int) { state.withLock { (list, version) } }

    /// Moves the clock forward (not for a frozen cluster, where it does nothing).
    public func advance(by seconds: Double) {
        tick(to: now + max(0, seconds))
    }

    /// Moves the clock to `time` (never back) and applies every change due by then, in order.
    public func tick(to time: Double) {
        guard clock != .frozen else { return }
        state.lock()
        defer {
            state.broadcast()
            state.unlock()
        }
        guard time >= current else { return }
        while true {
            // A running workflow's next write, when it comes before anything else due.
            if let r = runners.indices.min(by: { runners[$0].next < runners[$1].next }), runners[r].next <= time,
                upcoming.first.map({ runners[r].next < $0.time }) ?? true, spawner.map({ runners[r].next < $0.next }) ?? true
            {
                step(runner: r)
                continue
            }
            if let spawner, spawner.next <= time, upcoming.first.map({ spawner.next < $0.time }) ?? true {
                spawn(at: spawner.next)
                continue
            }
            guard let change = upcoming.first, change.time <= time else { break }
            upcoming.removeFirst()
            current = max(current, change.time)
            apply(change)
        }
        current = time
        ticks += 1
    }

    /// Changes after `resourceVersion`, oldest first; nil when some of them are no longer kept (too old).
    public func events(after resourceVersion: Int) -> [Event]? {
        state.withLock {
            if resourceVersion < compacted { return nil }
            guard let first = eventLog.firstIndex(where: { $0.resourceVersion > resourceVersion }) else { return [] }
            return Array(eventLog[first...])
        }
    }

    /// Waits until the clock moves or something changes (or `timeout` seconds pass); returns the tick count
    /// to pass next time.
    public func waitForTick(after seen: Int, timeout: Double) -> Int {
        state.lock()
        defer { state.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while ticks == seen {
            if !state.wait(until: deadline) { break }
        }
        return ticks
    }

    /// The number of ticks so far (see `waitForTick`).
    public var tickCount: Int { state.withLock { ticks } }

    /// Stops a live clock.
    public func stop() {
        state.withLock { ticking = false }
    }

    private func startTicking(speed: Double) {
        ticking = true
        let wallStart = Date().timeIntervalSince1970
        let start = origin
        let thread = Thread { [weak self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                guard let self, self.state.withLock({ self.ticking }) else { return }
                self.tick(to: start + (Date().timeIntervalSince1970 - wallStart) * speed)
            }
        }
        thread.name = "argotop-demo-clock"
        thread.start()
    }

    private func reindex() {
        byName.removeAll(keepingCapacity: true)
        for (i, wf) in list.enumerated() {
            if let name = wf["metadata"]?["name"]?.stringValue { byName[name] = i }
        }
    }

    // MARK: Changes

    /// What a scripted workflow will be: its states over time, and its final form (logs of running steps
    /// are the first lines of the final log, so that they only ever grow).
    struct Script {
        var final: JSONValue
    }

    struct Change {
        var time: Double
        var order: Int
        var name: String
        /// The new object; nil deletes the workflow.
        var object: JSONValue?
    }

    /// Queues the states of a workflow (called with the lock held or during init).
    func schedule(_ name: String, states: [(Double, JSONValue?)], final: JSONValue) {
        scripts[name] = Script(final: final)
        for (time, object) in states {
            changeOrder += 1
            upcoming.append(Change(time: time, order: changeOrder, name: name, object: object))
        }
        upcoming.sort { ($0.time, $0.order) < ($1.time, $1.order) }
    }

    private func apply(_ change: Change) {
        version += 1
        let type: String
        var object: JSONValue
        if let next = change.object {
            object = next.settingResourceVersion(String(version))
            if let index = byName[change.name] {
                list[index] = object
                type = "MODIFIED"
            } else {
                list.insert(object, at: 0)
                reindex()
                type = "ADDED"
            }
        } else {
            guard let index = byName[change.name] else { return }
            object = list[index].settingResourceVersion(String(version))
            list.remove(at: index)
            reindex()
            type = "DELETED"
        }
        eventLog.append(Event(resourceVersion: version, type: type, object: object, time: change.time))
        if eventLog.count > maxEvents {
            let dropped = eventLog.count - maxEvents
            compacted = eventLog[dropped - 1].resourceVersion
            eventLog.removeFirst(dropped)
        }
    }

    /// Changes a workflow now (`transform` gets the current object, nil when there is none; it returns the
    /// new one, nil to delete), as a change a watch sees. Returns the new object. For the demo server's
    /// actions and for tests that add workflows.
    @discardableResult
    public func update(_ name: String, _ transform: (JSONValue?) -> JSONValue?) -> JSONValue? {
        state.lock()
        defer {
            ticks += 1
            state.broadcast()
            state.unlock()
        }
        let before = byName[name].map { list[$0] }
        let after = transform(before)
        if before == nil && after == nil { return nil }
        changeOrder += 1
        apply(Change(time: current, order: changeOrder, name: name, object: after))
        return byName[name].map { list[$0] }
    }

    /// A workflow the controller writes again and again while it runs: every `interval` seconds of cluster
    /// time until `until`, `state` gives its object at that instant, or nil when nothing in it changed.
    /// Called with the lock held or during init.
    struct Runner {
        var name: String
        var next: Double
        var interval: Double
        var until: Double
        var state: (Double) -> JSONValue?
    }

    /// Starts a runner (see `Runner`); its first write is `interval` seconds from now.
    func run(_ name: String, every interval: Double, until: Double, object: @escaping (Double) -> JSONValue?) {
        state.withLock {
            runners.append(Runner(name: name, next: current + interval, interval: interval, until: until, state: object))
        }
    }

    /// Applies a runner's next write (if its object changed) and moves it on, or ends it.
    private func step(runner r: Int) {
        let time = runners[r].next
        current = max(current, time)
        guard byName[runners[r].name] != nil else {
            // Deleted (e.g. by an action): the controller has nothing left to write.
            runners.remove(at: r)
            return
        }
        if let object = runners[r].state(time) {
            changeOrder += 1
            apply(Change(time: time, order: changeOrder, name: runners[r].name, object: object))
        }
        runners[r].next = time + runners[r].interval
        if time >= runners[r].until { runners.remove(at: r) }
    }

    /// The final form of a scripted workflow (nil when it is not scripted or the cluster is frozen).
    func finalForm(of workflowName: String) -> JSONValue? { state.withLock { scripts[workflowName]?.final } }

    /// Pods garbage-collected after their workflow ended: pod name → where their archived log is.
    func gonePod(_ podName: String) -> (workflow: String, nodeID: String)? { state.withLock { gone[podName] } }

    /// Pods whose log was archived (`main-logs`) are the ones garbage-collected.
    private func registerGonePods(of wf: JSONValue) {
        guard let name = wf["metadata"]?["name"]?.stringValue, case .object(let nodes)? = wf["status"]?["nodes"] else { return }
        for (id, node) in nodes {
            guard case .array(let artifacts)? = node["outputs"]?["artifacts"],
                artifacts.contains(where: { $0["name"]?.stringValue == "main-logs" }),
                let pod = WorkflowBuilder.podName(workflow: wf, node: node)
            else { continue }
            gone[pod] = (name, id)
        }
    }

    private func scheduleNightlyETL() {
        let t = origin
        let final = nightlyETL(stage: 3).build()
        schedule("nightly-etl-5fj2d", states: [
            (t + 20, nightlyETL(stage: 1).build()), (t + 22, nightlyETL(stage: 2).build()), (t + 80, final),
        ], final: final)
    }

    /// Generates the workflows that start while the cluster runs, one about every 20 s.
    struct Spawner {
        var random: SeededRandom
        var next: Double
        var count = 0
        init(seed: UInt64, next: Double) {
            random = SeededRandom(seed: seed ^ 0x5EED_CAFE)
            self.next = next
        }
    }

    private func spawn(at time: Double) {
        guard var spawner else { return }
        let kind = DemoCluster.ordinaryKinds[spawner.random.int(0..<DemoCluster.ordinaryKinds.count)]
        let name = "\(kind)-\(spawner.random.suffix())"
        let steps = spawner.random.int(1..<4)
        var durations: [Double] = []
        for _ in 0..<steps { durations.append(Double(spawner.random.int(max(4, 10 / steps)..<(30 / steps)))) }
        let fails = spawner.random.chance(0.15)
        spawner.count += 1
        spawner.next = time + Double(16 + spawner.random.int(0..<9))
        self.spawner = spawner
        guard byName[name] == nil else { return }
        let plan = SpawnPlan(name: name, kind: kind, start: time, durations: durations, fails: fails)
        var states: [(Double, JSONValue?)] = []
        for stage in 0...steps { states.append((plan.stageTime(stage), spawnedWorkflow(plan, stage: stage))) }
        let final = spawnedWorkflow(plan, stage: steps)
        states.append((plan.stageTime(steps) + 300, nil))  // ttlStrategy.secondsAfterCompletion: 300
        schedule(name, states: states, final: final)
    }

    // MARK: Designed workflows: each shows a journey.

    private func designed() -> [WorkflowBuilder] {
        [dbAuditing(), nightlyETL(), flakyTests(), reportWaiting(), releaseApproval(), dbFleetAudit()]
            + auditFamily(holder: DemoCluster.auditFirstHolder) + migrateFamily()
    }

    /// The items of `db-fleet-audit-9h3kq` that fail (at different steps), and the one that ends in Error.
    public static let fleetAuditFailing: Set<Int> = [17, 42, 58, 91, 123, 150, 177, 203, 219, 246, 271, 288]
    public static let fleetAuditErroring: Set<Int> = [134]
    /// The failed item of `db-fleet-audit-9h3kq` whose pod was garbage-collected: its log endpoint answers
    /// nothing, as Argo Server does for a pod that no longer exists, and its failed step (`dump-schema`) lists
    /// the archived log as the output artifact `main-logs`.
    public static let fleetAuditArchived: Set<Int> = [42]

    /// A large failed DAG: 300 nested DAGs of four Pod steps each (1,503 nodes), a dozen failed here and there.
    private func dbFleetAudit() -> WorkflowBuilder {
        DemoCluster.loopingDAGBuilder(
            name: "db-fleet-audit-9h3kq", namespace: namespace, items: 300, failing: DemoCluster.fleetAuditFailing,
            erroring: DemoCluster.fleetAuditErroring, now: origin, archived: DemoCluster.fleetAuditArchived)
    }

    /// A failed DAG with a fan-out of nested DAGs, one of which failed, and an exit handler.
    private func dbAuditing() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "db-auditing-x7k2p", namespace: namespace, created: origin - 40 * 60)
        wf.labels = [("workflows.argoproj.io/workflow-template", "db-auditing")]
        wf.entrypoint = "audit-all"
        let t0 = origin - 40 * 60 + 2
        wf.startedAt = t0
        wf.finishedAt = t0 + 14 * 60 + 7
        wf.phase = "Failed"
        wf.message = "child 'db-auditing-x7k2p-\(fnv32a("db-auditing-x7k2p.audit(3:orders-db)"))' failed"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "DAG", template: "audit-all", phase: "Failed", start: t0, end: wf.finishedAt, message: wf.message, progress: "17/19"))
        let list = wf.add(.init(name: "\(wf.name).list-databases", displayName: "list-databases", type: "Pod", template: "list-databases", phase: "Succeeded", boundary: root, start: t0, end: t0 + 21, exitCode: 0, outputs: [("databases", "[\"users-db\",\"billing-db\",\"search-db\",\"orders-db\",\"audit-db\"]")]), parent: root)
        let databases = ["users-db", "billing-db", "search-db", "orders-db", "audit-db"]
        for (i, db) in databases.enumerated() {
            let itemName = "\(wf.name).audit(\(i):\(db))"
            let start = t0 + 25 + Double(i)
            let fails = db == "orders-db"
            let end = start + (fails ? 9 * 60 + 12 : 6 * 60 + Double(i * 37))
            let dag = wf.add(.init(name: itemName, displayName: "audit(\(i):\(db))", type: "DAG", template: "audit-database", phase: fails ? "Failed" : "Succeeded", boundary: root, start: start, end: end, message: fails ? "child '\(wf.nodeID(itemName + ".check-grants"))' failed" : nil, inputs: [("database", db)]), parent: list)
            let dump = wf.add(.init(name: "\(itemName).dump-schema", displayName: "dump-schema", type: "Pod", template: "dump-schema", phase: "Succeeded", boundary: dag, start: start + 2, end: start + 95, exitCode: 0, outputs: [("job_name", "dump-\(db)"), ("status", "ok")]), parent: dag)
            let grants = wf.add(.init(name: "\(itemName).check-grants", displayName: "check-grants", type: "Pod", template: "check-grants", phase: fails ? "Failed" : "Succeeded", boundary: dag, start: start + 97, end: fails ? end : start + 300, message: fails ? "Error (exit code 3): role 'reporting' has SUPERUSER on orders-db" : nil, exitCode: fails ? 3 : 0, outputs: [("job_name", "grants-\(db)"), ("status", fails ? "failed" : "ok"), ("failure_reason", fails ? "superuser-grant" : "")]), parent: dump)
            if fails {
                wf.add(.init(name: "\(itemName).write-report", displayName: "write-report", type: "Skipped", template: "write-report", phase: "Omitted", boundary: dag, message: "omitted: depends condition not met"), parent: grants)
            } else {
                wf.add(.init(name: "\(itemName).write-report", displayName: "write-report", type: "Pod", template: "write-report", phase: "Succeeded", boundary: dag, start: start + 302, end: end, exitCode: 0, outputs: [("job_name", "report-\(db)"), ("status", "ok")]), parent: grants)
            }
        }
        wf.add(.init(name: "\(wf.name).summarize", displayName: "summarize", type: "Skipped", template: "summarize", phase: "Omitted", boundary: root, message: "omitted: depends condition not met"))
        wf.add(.init(name: "\(wf.name).onExit", displayName: "\(wf.name).onExit", type: "Pod", template: "notify-slack", phase: "Succeeded", start: wf.finishedAt! - 6, end: wf.finishedAt! - 1, exitCode: 0))
        return wf
    }

    /// A running steps workflow: a parallel group with one step still running. Unless the cluster is frozen it
    /// moves on: stage 1 (20 s later) the running transform succeeds; stage 2 (22 s) a `load` step starts;
    /// stage 3 (80 s) it succeeds and so does the workflow.
    private func nightlyETL(stage: Int = 0) -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "nightly-etl-5fj2d", namespace: namespace, created: origin - 7 * 60)
        wf.entrypoint = "etl"
        let t0 = origin - 7 * 60 + 1
        let done = origin + 80
        wf.startedAt = t0
        wf.phase = stage >= 3 ? "Succeeded" : "Running"
        if stage >= 3 { wf.finishedAt = done }
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "etl", phase: wf.phase, start: t0, end: stage >= 3 ? done : nil))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "etl", phase: "Succeeded", boundary: root, start: t0, end: t0 + 70), parent: root)
        let extract = wf.add(.init(name: "\(wf.name)[0].extract", displayName: "extract", type: "Pod", template: "extract", phase: "Succeeded", boundary: root, start: t0, end: t0 + 68, exitCode: 0, outputs: [("rows", "1843220")]), parent: g0)
        let g1 = wf.add(.init(name: "\(wf.name)[1]", displayName: "[1]", type: "StepGroup", template: "etl", phase: stage >= 1 ? "Succeeded" : "Running", boundary: root, start: t0 + 70, end: stage >= 1 ? origin + 20 : nil), parent: extract)
        var transforms: [String] = []
        for (i, table) in ["customers", "invoices", "events"].enumerated() {
            let running = table == "events" && stage == 0
            let end = table == "events" ? origin + 20 : t0 + 71 + Double(120 + i * 40)
            transforms.append(wf.add(.init(name: "\(wf.name)[1].transform(\(i):\(table))", displayName: "transform(\(i):\(table))", type: "Pod", template: "transform", phase: running ? "Running" : "Succeeded", boundary: root, start: t0 + 71, end: running ? nil : end, exitCode: running ? nil : 0), parent: g1))
        }
        if stage >= 2 {
            let start = origin + 22
            let g2 = wf.add(.init(name: "\(wf.name)[2]", displayName: "[2]", type: "StepGroup", template: "etl", phase: stage >= 3 ? "Succeeded" : "Running", boundary: root, start: start, end: stage >= 3 ? done : nil))
            for transform in transforms { wf.link(g2, under: transform) }
            wf.add(.init(name: "\(wf.name)[2].load", displayName: "load", type: "Pod", template: "load", phase: stage >= 3 ? "Succeeded" : "Running", boundary: root, start: start, end: stage >= 3 ? done - 1 : nil, exitCode: stage >= 3 ? 0 : nil, outputs: stage >= 3 ? [("rows_loaded", "1843220")] : []), parent: g2)
        }
        return wf
    }

    /// Retries: two failed attempts, then an error.
    private func flakyTests() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "integration-tests-r2d2x", namespace: namespace, created: origin - 3 * 3600)
        wf.ttlSeconds = nil  // a hygiene flag: kept until someone deletes it
        wf.entrypoint = "tests"
        let t0 = origin - 3 * 3600 + 3
        wf.startedAt = t0
        wf.finishedAt = t0 + 410
        wf.phase = "Error"
        wf.message = "No more retries left"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "tests", phase: "Error", start: t0, end: t0 + 410, message: "No more retries left"))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "tests", phase: "Error", boundary: root, start: t0, end: t0 + 410), parent: root)
        let retry = wf.add(.init(name: "\(wf.name)[0].run-suite", displayName: "run-suite", type: "Retry", template: "run-suite", phase: "Error", boundary: root, start: t0, end: t0 + 410, message: "No more retries left"), parent: g0)
        let messages = ["Error (exit code 1): 3 tests failed", "Error (exit code 1): 2 tests failed", "pod deleted during execution"]
        for attempt in 0..<3 {
            let start = t0 + Double(attempt) * 140
            wf.add(.init(name: "\(wf.name)[0].run-suite(\(attempt))", displayName: "run-suite(\(attempt))", type: "Pod", template: "run-suite", phase: attempt == 2 ? "Error" : "Failed", boundary: root, start: start, end: start + 130, message: messages[attempt], exitCode: attempt == 2 ? nil : 1), parent: retry)
        }
        return wf
    }

    /// A workflow queued on a ConfigMap semaphore.
    private func reportWaiting() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "weekly-report-q8m2z", namespace: namespace, created: origin - 2 * 60)
        wf.phase = "Pending"
        wf.semaphore = "reports"
        wf.message = "Waiting for \(namespace)/ConfigMap/semaphore-config/reports lock. Lock status: 0/2"
        return wf
    }

    /// A running workflow paused at a suspend step for approval.
    private func releaseApproval() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "release-approval-m4n8t", namespace: namespace, created: origin - 25 * 60)
        wf.podGC = nil  // a hygiene flag: its pods stay
        wf.entrypoint = "release"
        let t0 = origin - 25 * 60 + 2
        wf.startedAt = t0
        wf.phase = "Running"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "release", phase: "Running", start: t0))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "release", phase: "Succeeded", boundary: root, start: t0, end: t0 + 200), parent: root)
        let build = wf.add(.init(name: "\(wf.name)[0].build", displayName: "build", type: "Pod", template: "build", phase: "Succeeded", boundary: root, start: t0, end: t0 + 198, exitCode: 0, outputs: [("image", "registry.local/app:1.42.0")]), parent: g0)
        let g1 = wf.add(.init(name: "\(wf.name)[1]", displayName: "[1]", type: "StepGroup", template: "release", phase: "Running", boundary: root, start: t0 + 200), parent: build)
        wf.add(.init(name: "\(wf.name)[1].approve", displayName: "approve", type: "Suspend", template: "approve", phase: "Running", boundary: root, start: t0 + 200), parent: g1)
        return wf
    }

    // MARK: Ordinary workflows

    static let ordinaryKinds = ["hello-world", "data-sync", "cache-warmup", "image-build", "log-rotate", "backup-postgres", "smoke-test", "index-rebuild"]

    private func ordinaryWorkflow(_ i: Int, random: inout SeededRandom) -> WorkflowBuilder {
        let kind = DemoCluster.ordinaryKinds[random.int(0..<DemoCluster.ordinaryKinds.count)]
        let created = origin - 3600 - Double(i) * 900 - Double(random.int(0..<600))
        let wf = WorkflowBuilder(name: "\(kind)-\(random.suffix())", namespace: namespace, created: created)
        let failed = random.chance(0.12)
        let t0 = created + 1
        let steps = random.int(1..<4)
        wf.startedAt = t0
        wf.entrypoint = kind
        wf.labels = [("workflows.argoproj.io/workflow-template", kind)]
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: kind, phase: failed ? "Failed" : "Succeeded", start: t0))
        var previous = root
        var clock = t0
        for s in 0..<steps {
            let stepFails = failed && s == steps - 1
            let duration = Double(random.int(5..<240))
            let group = wf.add(.init(name: "\(wf.name)[\(s)]", displayName: "[\(s)]", type: "StepGroup", template: kind, phase: stepFails ? "Failed" : "Succeeded", boundary: root, start: clock, end: clock + duration + 1), parent: previous)
            previous = wf.add(.init(name: "\(wf.name)[\(s)].step-\(s + 1)", displayName: "step-\(s + 1)", type: "Pod", template: "step-\(s + 1)", phase: stepFails ? "Failed" : "Succeeded", boundary: root, start: clock, end: clock + duration, message: stepFails ? "Error (exit code 1)" : nil, exitCode: stepFails ? 1 : 0), parent: group)
            clock += duration + 2
        }
        wf.finishedAt = clock
        wf.finish(root, at: clock)
        wf.phase = failed ? "Failed" : "Succeeded"
        if failed { wf.message = "child '\(previous)' failed" }
        return wf
    }

    /// A workflow that starts while the cluster runs: 1 to 3 steps one after another.
    struct SpawnPlan {
        var name: String
        var kind: String
        var start: Double
        var durations: [Double]
        var fails: Bool

        func stepStart(_ k: Int) -> Double { start + 1 + durations.prefix(k).reduce(0) { $0 + $1 + 1 } }
        /// Stage k (k < steps) begins when step k starts; the last stage when the last step ends.
        func stageTime(_ stage: Int) -> Double {
            stage == 0 ? start : stage < durations.count ? stepStart(stage) : stepStart(stage - 1) + durations[stage - 1]
        }
    }

    /// A spawned workflow at `stage`: steps before it done, step `stage` running; all done at the last stage.
    func spawnedWorkflow(_ plan: SpawnPlan, stage: Int) -> JSONValue {
        let wf = WorkflowBuilder(name: plan.name, namespace: namespace, created: plan.start)
        let steps = plan.durations.count
        let finished = stage >= steps
        let t0 = plan.start + 1
        wf.startedAt = t0
        wf.entrypoint = plan.kind
        wf.labels = [("workflows.argoproj.io/workflow-template", plan.kind)]
        let end = plan.stageTime(steps)
        let phase = finished ? (plan.fails ? "Failed" : "Succeeded") : "Running"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: plan.kind, phase: phase, start: t0, end: finished ? end : nil))
        var previous = root
        for s in 0..<min(stage + 1, steps) {
            let start = plan.stepStart(s)
            let done = s < stage
            let stepFails = plan.fails && s == steps - 1
            let stepPhase = done ? (stepFails ? "Failed" : "Succeeded") : "Running"
            let group = wf.add(.init(name: "\(wf.name)[\(s)]", displayName: "[\(s)]", type: "StepGroup", template: plan.kind, phase: stepPhase, boundary: root, start: start, end: done ? start + plan.durations[s] : nil), parent: previous)
            previous = wf.add(.init(name: "\(wf.name)[\(s)].step-\(s + 1)", displayName: "step-\(s + 1)", type: "Pod", template: "step-\(s + 1)", phase: stepPhase, boundary: root, start: start, end: done ? start + plan.durations[s] : nil, message: done && stepFails ? "Error (exit code 1)" : nil, exitCode: done ? (stepFails ? 1 : 0) : nil), parent: group)
        }
        wf.phase = phase
        if finished {
            wf.finishedAt = end
            if plan.fails { wf.message = "child '\(previous)' failed" }
        }
        return wf.build()
    }
}

extension JSONValue {
    /// The object with `metadata.resourceVersion` set.
    func settingResourceVersion(_ version: String) -> JSONValue {
        guard case .object(var fields) = self, let m = fields.firstIndex(where: { $0.0 == "metadata" }),
            case .object(var metadata) = fields[m].1
        else { return self }
        if let r = metadata.firstIndex(where: { $0.0 == "resourceVersion" }) {
            metadata[r].1 = .string(version)
        } else {
            metadata.append(("resourceVersion", .string(version)))
        }
        fields[m].1 = .object(metadata)
        return .object(fields)
    }
}
