import ArgoAPI
import Foundation

/// The simulated cluster the demo server serves: generated in code, the same for the same seed and clock.
public final class DemoCluster: @unchecked Sendable {
    /// The instant the frozen clock shows: 2026-11-28T12:00:00Z.
    public static let frozenNow: Double = 1_795_867_200
    public static let defaultNamespace = "argo"

    public let now: Double
    public let namespace: String
    /// Workflows newest first, as the server lists them.
    public private(set) var workflows: [JSONValue] = []
    private var byName: [String: Int] = [:]

    /// - Parameter ordinary: how many ordinary workflows to add beside the designed ones.
    public init(now: Double = DemoCluster.frozenNow, seed: UInt64 = 42, ordinary: Int = 60, namespace: String = DemoCluster.defaultNamespace) {
        self.now = now
        self.namespace = namespace
        var random = SeededRandom(seed: seed)
        var built: [(Double, JSONValue)] = []
        for builder in designed() { built.append((builder.created, builder.build())) }
        for i in 0..<ordinary { let b = ordinaryWorkflow(i, random: &random); built.append((b.created, b.build())) }
        built.sort { $0.0 > $1.0 }
        workflows = built.map { $0.1 }
        for (i, wf) in workflows.enumerated() {
            if let name = wf["metadata"]?["name"]?.stringValue { byName[name] = i }
        }
    }

    public func workflow(named name: String) -> JSONValue? { byName[name].map { workflows[$0] } }

    public func workflows(inNamespace ns: String) -> [JSONValue] {
        ns.isEmpty ? workflows : workflows.filter { $0["metadata"]?["namespace"]?.stringValue == ns }
    }

    // MARK: Designed workflows: each shows a journey.

    private func designed() -> [WorkflowBuilder] {
        [dbAuditing(), nightlyETL(), flakyTests(), reportWaiting(), releaseApproval(), dbFleetAudit()]
    }

    /// The items of `db-fleet-audit-9h3kq` that fail (at different steps), and the one that ends in Error.
    public static let fleetAuditFailing: Set<Int> = [17, 42, 58, 91, 123, 150, 177, 203, 219, 246, 271, 288]
    public static let fleetAuditErroring: Set<Int> = [134]

    /// A large failed DAG: 300 nested DAGs of four Pod steps each (1,503 nodes), a dozen failed here and there.
    private func dbFleetAudit() -> WorkflowBuilder {
        DemoCluster.loopingDAGBuilder(
            name: "db-fleet-audit-9h3kq", namespace: namespace, items: 300, failing: DemoCluster.fleetAuditFailing,
            erroring: DemoCluster.fleetAuditErroring, now: now)
    }

    /// A failed DAG with a fan-out of nested DAGs, one of which failed, and an exit handler.
    private func dbAuditing() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "db-auditing-x7k2p", namespace: namespace, created: now - 40 * 60)
        wf.labels = [("workflows.argoproj.io/workflow-template", "db-auditing")]
        wf.entrypoint = "audit-all"
        let t0 = now - 40 * 60 + 2
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

    /// A running steps workflow: a parallel group with one step still running.
    private func nightlyETL() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "nightly-etl-5fj2d", namespace: namespace, created: now - 7 * 60)
        wf.entrypoint = "etl"
        let t0 = now - 7 * 60 + 1
        wf.startedAt = t0
        wf.phase = "Running"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "etl", phase: "Running", start: t0))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "etl", phase: "Succeeded", boundary: root, start: t0, end: t0 + 70), parent: root)
        let extract = wf.add(.init(name: "\(wf.name)[0].extract", displayName: "extract", type: "Pod", template: "extract", phase: "Succeeded", boundary: root, start: t0, end: t0 + 68, exitCode: 0, outputs: [("rows", "1843220")]), parent: g0)
        let g1 = wf.add(.init(name: "\(wf.name)[1]", displayName: "[1]", type: "StepGroup", template: "etl", phase: "Running", boundary: root, start: t0 + 70), parent: extract)
        for (i, table) in ["customers", "invoices", "events"].enumerated() {
            let running = table == "events"
            wf.add(.init(name: "\(wf.name)[1].transform(\(i):\(table))", displayName: "transform(\(i):\(table))", type: "Pod", template: "transform", phase: running ? "Running" : "Succeeded", boundary: root, start: t0 + 71, end: running ? nil : t0 + 71 + Double(120 + i * 40), exitCode: running ? nil : 0), parent: g1)
        }
        return wf
    }

    /// Retries: two failed attempts, then an error.
    private func flakyTests() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "integration-tests-r2d2x", namespace: namespace, created: now - 3 * 3600)
        wf.entrypoint = "tests"
        let t0 = now - 3 * 3600 + 3
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
        let wf = WorkflowBuilder(name: "weekly-report-q8m2z", namespace: namespace, created: now - 2 * 60)
        wf.phase = "Pending"
        wf.semaphore = "reports"
        wf.message = "Waiting for \(namespace)/ConfigMap/semaphore-config/reports lock. Lock status: 0/2"
        return wf
    }

    /// A running workflow paused at a suspend step for approval.
    private func releaseApproval() -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: "release-approval-m4n8t", namespace: namespace, created: now - 25 * 60)
        wf.entrypoint = "release"
        let t0 = now - 25 * 60 + 2
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

    private static let ordinaryKinds = ["hello-world", "data-sync", "cache-warmup", "image-build", "log-rotate", "backup-postgres", "smoke-test", "index-rebuild"]

    private func ordinaryWorkflow(_ i: Int, random: inout SeededRandom) -> WorkflowBuilder {
        let kind = DemoCluster.ordinaryKinds[random.int(0..<DemoCluster.ordinaryKinds.count)]
        let created = now - 3600 - Double(i) * 900 - Double(random.int(0..<600))
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
}
