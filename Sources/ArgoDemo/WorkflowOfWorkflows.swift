import ArgoAPI
import Foundation

/// The demo's workflows of workflows, in the "workflow injection" shape: a step lists databases, a loop creates
/// one child workflow per database with a `resource` step, and a ConfigMap semaphore lets one child (or step)
/// run at a time.
///
/// - `db-audit-prod-t4k9w`: the semaphore sits in each child's own spec (workflow level). Its 40 children
///   `child-prod-db-NN` name it in `ownerReferences`; finished steps also export the child's name as the output
///   parameter `child-name`. Five children succeeded, `child-prod-db-06` failed, `child-prod-db-07` holds the
///   lock and the other 33 are Pending in the queue. Unless the clock is frozen the queue moves: every 30 s the
///   holder finishes and the next child starts.
/// - `db-migrate-staging-h2v6n`: the semaphore (limit 2) sits on the parent's `run-migration` template
///   (template level), so the queue is made of the parent's own steps, Pending, whose children do not exist yet.
///   Its children carry no owner: a finished step names its child in the output `child-workflow`; for the two
///   running ones only the `workflow-template` label they share with the parent and their creation time tie them
///   to the step that made them.
extension DemoCluster {
    public static let auditParent = "db-audit-prod-t4k9w"
    public static let auditChildren = 40
    public static let auditLock = "semaphore-config/db-audit"
    /// Children 1…5 succeeded, 6 failed, 7 runs and holds the lock, 8…40 wait (at the frozen instant).
    public static let auditFailedChild = 6
    public static let auditFirstHolder = 7
    public static let migrateParent = "db-migrate-staging-h2v6n"
    public static let migrateLock = "semaphore-config/db-migrate"

    public static func auditChildName(_ i: Int) -> String { "child-prod-db-\(i < 10 ? "0" : "")\(i)" }

    /// How long each audit child runs, and the queue's step when the clock moves.
    static let auditChildSeconds: Double = 240
    static let auditQueueStep: Double = 30
    public static var auditQueueStepSeconds: Double { auditQueueStep }

    func lockKey(_ lock: String) -> String { "\(namespace)/ConfigMap/\(lock)" }

    /// The start of the audit parent: children 1…6 ran one after another before child 7 started.
    var auditStart: Double { origin - 26 * 60 - 30 }

    /// When audit child `i` starts: 1…7 one after another, 4 minutes each (7 is running at the cluster's first
    /// instant), then, once the clock moves, the next one every 30 s.
    func auditChildStart(_ i: Int) -> Double {
        let first = DemoCluster.auditFirstHolder
        return i <= first ? auditStart + 30 + Double(i - 1) * DemoCluster.auditChildSeconds
            : origin + Double(i - first) * DemoCluster.auditQueueStep
    }

    /// The audit parent and its children when `holder` holds the lock (holder > 40: all done).
    func auditFamily(holder: Int) -> [WorkflowBuilder] {
        let key = lockKey(DemoCluster.auditLock)
        let t0 = auditStart
        let first = DemoCluster.auditFirstHolder
        let start = { (i: Int) in self.auditChildStart(i) }
        func end(_ i: Int) -> Double { i < first ? start(i) + DemoCluster.auditChildSeconds - 10 : start(i + 1) - 1 }
        let allDone = holder > DemoCluster.auditChildren
        let parent = WorkflowBuilder(name: DemoCluster.auditParent, namespace: namespace, created: t0)
        parent.labels = [("workflows.argoproj.io/workflow-template", "db-audit-fleet")]
        parent.entrypoint = "audit-fleet"
        parent.startedAt = t0 + 1
        parent.phase = allDone ? "Failed" : "Running"
        let failedStep = "\(parent.name).for-each-db(\(DemoCluster.auditFailedChild - 1):db-0\(DemoCluster.auditFailedChild))"
        if allDone {
            parent.finishedAt = end(DemoCluster.auditChildren) + 2
            parent.message = "child '\(parent.nodeID(failedStep))' failed"
        }
        let root = parent.add(.init(name: parent.name, displayName: parent.name, type: "DAG", template: "audit-fleet", phase: parent.phase, start: t0 + 1, end: parent.finishedAt, message: parent.message))
        let hosts = (1...DemoCluster.auditChildren).map { "db-\($0 < 10 ? "0" : "")\($0)" }
        let listing = "[" + hosts.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let getDBs = parent.add(.init(name: "\(parent.name).get-dbs", displayName: "get-dbs", type: "Pod", template: "get-dbs", phase: "Succeeded", boundary: root, start: t0 + 2, end: t0 + 24, exitCode: 0, outputs: [("databases", listing)]), parent: root)
        var children: [WorkflowBuilder] = []
        for i in 1...DemoCluster.auditChildren {
            let host = hosts[i - 1]
            let childName = DemoCluster.auditChildName(i)
            let done = i < holder
            let failed = i == DemoCluster.auditFailedChild
            let stepName = "\(parent.name).for-each-db(\(i - 1):\(host))"
            parent.add(.init(name: stepName, displayName: "for-each-db(\(i - 1):\(host))", type: "Pod", template: "create-child", phase: done ? (failed ? "Failed" : "Succeeded") : "Running", boundary: root, start: t0 + 25, end: done ? end(i) + 1 : nil, message: done && failed ? "failure condition 'status.phase in (Failed,Error)' evaluated true" : nil, exitCode: done ? (failed ? 1 : 0) : nil, outputs: done ? [("child-name", childName)] : [], inputs: [("db-host", host), ("environment", "prod")]), parent: getDBs)

            let child = WorkflowBuilder(name: childName, namespace: namespace, created: t0 + 25 + Double(i) * 0.25)
            child.labels = [("workflows.argoproj.io/workflow-template", "db-audit-child")]
            child.owner = parent.name
            child.entrypoint = "audit"
            child.semaphore = "db-audit"
            if i > holder {
                child.phase = "Pending"
                child.message = "Waiting for \(key) lock. Lock status: 0/1"
                child.synchronization = .object([("semaphore", .object([("waiting", .array([.object([
                    ("semaphore", .string(key)), ("holders", .array([.string("\(namespace)/\(DemoCluster.auditChildName(holder))")])),
                ])]))]))])
            } else {
                let running = i == holder
                let s = start(i)
                child.startedAt = s
                child.phase = running ? "Running" : failed ? "Failed" : "Succeeded"
                if !running { child.finishedAt = end(i) }
                if running {
                    child.synchronization = .object([("semaphore", .object([("holding", .array([.object([
                        ("semaphore", .string(key)), ("holders", .array([.string("\(namespace)/\(childName)")])),
                    ])]))]))])
                }
                let cRoot = child.add(.init(name: childName, displayName: childName, type: "DAG", template: "audit", phase: child.phase, start: s, end: child.finishedAt))
                let check = child.add(.init(name: "\(childName).check-connection", displayName: "check-connection", type: "Pod", template: "check-connection", phase: "Succeeded", boundary: cRoot, start: s + 1, end: s + 12, exitCode: 0, inputs: [("db-host", host)]), parent: cRoot)
                let auditEnd = running ? nil : Optional(end(i) - 40)
                let schema = child.add(.init(name: "\(childName).audit-schema", displayName: "audit-schema", type: "Pod", template: "audit-schema", phase: running ? "Running" : failed ? "Failed" : "Succeeded", boundary: cRoot, start: s + 13, end: auditEnd, message: failed ? "Error (exit code 2): table 'payments' has no primary key" : nil, exitCode: running ? nil : failed ? 2 : 0, outputs: running || failed ? [] : [("tables", String(40 + i * 3)), ("status", "ok")], inputs: [("db-host", host)]), parent: check)
                if failed {
                    child.message = "child '\(child.nodeID("\(childName).audit-schema"))' failed"
                    child.add(.init(name: "\(childName).write-report", displayName: "write-report", type: "Skipped", template: "write-report", phase: "Omitted", boundary: cRoot, message: "omitted: depends condition not met"), parent: schema)
                } else if !running {
                    child.add(.init(name: "\(childName).write-report", displayName: "write-report", type: "Pod", template: "write-report", phase: "Succeeded", boundary: cRoot, start: end(i) - 38, end: end(i) - 1, exitCode: 0), parent: schema)
                }
            }
            children.append(child)
        }
        return [parent] + children
    }

    /// Queues the audit family's moves: every 30 s the holder finishes and the next child takes the lock.
    func scheduleAuditQueue() {
        let first = DemoCluster.auditFirstHolder
        var states: [String: [(Double, JSONValue?)]] = [:]
        var finals: [String: JSONValue] = [:]
        for holder in (first + 1)...(DemoCluster.auditChildren + 1) {
            let time = auditChildStart(holder)
            let family = auditFamily(holder: holder)
            let changed = Set([DemoCluster.auditParent, DemoCluster.auditChildName(holder - 1), DemoCluster.auditChildName(holder)])
            for builder in family {
                finals[builder.name] = builder.build()
                if changed.contains(builder.name) { states[builder.name, default: []].append((time, finals[builder.name])) }
            }
        }
        for (name, list) in states.sorted(by: { $0.key < $1.key }) { schedule(name, states: list, final: finals[name]!) }
    }

    /// The template-level queue: 12 migrations, 4 done, 2 holding the lock, 6 Pending steps.
    func migrateFamily() -> [WorkflowBuilder] {
        let key = lockKey(DemoCluster.migrateLock)
        let t0 = origin - 18 * 60
        let parent = WorkflowBuilder(name: DemoCluster.migrateParent, namespace: namespace, created: t0)
        parent.labels = [("workflows.argoproj.io/workflow-template", "db-migrate")]
        parent.entrypoint = "migrate-all"
        parent.startedAt = t0 + 1
        parent.phase = "Running"
        let root = parent.add(.init(name: parent.name, displayName: parent.name, type: "DAG", template: "migrate-all", phase: "Running", start: t0 + 1))
        let hosts = ["pg-users", "pg-billing", "pg-search", "pg-orders", "pg-audit", "pg-events", "pg-ledger", "pg-mail", "pg-geo", "pg-cache", "pg-stats", "pg-auth"]
        let list = parent.add(.init(name: "\(parent.name).list-dbs", displayName: "list-dbs", type: "Pod", template: "list-dbs", phase: "Succeeded", boundary: root, start: t0 + 2, end: t0 + 15, exitCode: 0, outputs: [("databases", "[" + hosts.map { "\"\($0)\"" }.joined(separator: ",") + "]")]), parent: root)
        var children: [WorkflowBuilder] = []
        var holders: [String] = []
        for (i, host) in hosts.enumerated() {
            let stepName = "\(parent.name).migrate(\(i):\(host))"
            let slot = i / 2
            let start = t0 + 16 + Double(slot) * 240 + Double(i % 2)
            let state = i < 4 ? "Succeeded" : i < 6 ? "Running" : "Pending"
            if state == "Pending" {
                parent.add(.init(name: stepName, displayName: "migrate(\(i):\(host))", type: "Pod", template: "run-migration", phase: "Pending", boundary: root, start: t0 + 16 + Double(i) * 0.5, message: "Waiting for \(key) lock. Lock status: 0/2", inputs: [("db-host", host)], waitingOn: key), parent: list)
            } else {
                // A finished step exports the child's name; a running one has no outputs yet.
                let stepID = parent.add(.init(name: stepName, displayName: "migrate(\(i):\(host))", type: "Pod", template: "run-migration", phase: state, boundary: root, start: start, end: state == "Running" ? nil : start + 230, exitCode: state == "Running" ? nil : 0, outputs: state == "Running" ? [] : [("child-workflow", "child-staging-\(host)")], inputs: [("db-host", host)]), parent: list)
                if state == "Running" { holders.append("\(namespace)/\(parent.name)/\(stepID)") }
                let child = WorkflowBuilder(name: "child-staging-\(host)", namespace: namespace, created: start + 1)
                child.labels = [("workflows.argoproj.io/workflow-template", "db-migrate")]
                child.entrypoint = "migrate"
                child.startedAt = start + 2
                child.phase = state
                if state == "Succeeded" { child.finishedAt = start + 228 }
                let cRoot = child.add(.init(name: child.name, displayName: child.name, type: "Steps", template: "migrate", phase: state, start: start + 2, end: child.finishedAt))
                let g0 = child.add(.init(name: "\(child.name)[0]", displayName: "[0]", type: "StepGroup", template: "migrate", phase: state, boundary: cRoot, start: start + 2, end: child.finishedAt), parent: cRoot)
                child.add(.init(name: "\(child.name)[0].apply-migrations", displayName: "apply-migrations", type: "Pod", template: "apply-migrations", phase: state, boundary: cRoot, start: start + 2, end: child.finishedAt.map { $0 - 1 }, exitCode: state == "Succeeded" ? 0 : nil, outputs: state == "Succeeded" ? [("applied", String(3 + i))] : [], inputs: [("db-host", host)]), parent: g0)
                children.append(child)
            }
        }
        let entry: JSONValue = .object([("semaphore", .string(key)), ("holders", .array(holders.map { .string($0) }))])
        parent.synchronization = .object([("semaphore", .object([("holding", .array([entry])), ("waiting", .array([entry]))]))])
        return [parent] + children
    }
}
