import ArgoAPI
import Foundation

extension DemoCluster {
    /// A finished DAG workflow with a large fan-out, the way a database-fleet audit runs: `list-databases`,
    /// then `items` nested DAGs `audit(N:db-NNN)` of four chained Pod steps each, and an exit handler.
    /// Items in `failing` fail at one step (exit code, message, later steps Omitted); items in `erroring`
    /// end in Error (pod deleted, no exit code). Node count: 3 + 5 × items. The same arguments give the same
    /// workflow.
    public static func loopingDAG(
        name: String, namespace: String, items: Int, failing: Set<Int>, erroring: Set<Int> = [], now: Double
    ) -> JSONValue {
        loopingDAGBuilder(name: name, namespace: namespace, items: items, failing: failing, erroring: erroring, now: now).build()
    }

    /// The four steps of each item, in order.
    static let auditSteps = ["check-connection", "dump-schema", "compare-schema", "publish-report"]
    private static let auditTables = ["payments", "invoices", "refunds", "customers", "ledger_entries", "sessions"]
    private static let auditColumns = ["currency", "settled_at", "fee_cents", "customer_ref", "region", "notes", "updated_by"]

    struct AuditFailure {
        var step: Int
        var exitCode: Int?
        var message: String
        var reason: String
        var phase: String
        var drift: JSONValue?
    }

    /// How item `i` fails (nil when it succeeds): the step is spread over the four by the item's rank.
    private static func auditFailure(_ i: Int, db: String, failing: [Int], erroring: Set<Int>) -> AuditFailure? {
        if erroring.contains(i) {
            return AuditFailure(step: 1, exitCode: nil, message: "pod deleted during execution", reason: "pod-deleted", phase: "Error")
        }
        guard let rank = failing.firstIndex(of: i) else { return nil }
        switch [2, 1, 2, 3, 2, 0][rank % 6] {
        case 0:
            return AuditFailure(step: 0, exitCode: 1, message: "could not connect to \(db):5432: connection refused", reason: "connection-refused", phase: "Failed")
        case 1:
            return AuditFailure(step: 1, exitCode: 4, message: "pg_dump: permission denied for schema billing", reason: "permission-denied", phase: "Failed")
        case 3:
            return AuditFailure(step: 3, exitCode: 5, message: "upload of s3://audit-reports/\(db).json denied (403 AccessDenied)", reason: "upload-denied", phase: "Failed")
        default:
            let table = auditTables[(i + rank) % auditTables.count]
            let count = 1 + (i + rank) % 4
            let columns = (0..<count).map { auditColumns[(i + $0 * 3) % auditColumns.count] }
            let drift: JSONValue = .object([
                ("tables", .int(8 + i % 9)),
                ("drift", .array([.object([("table", .string(table)), ("columns", .array(columns.map { .string($0) }))])])),
            ])
            return AuditFailure(step: 2, exitCode: 2, message: "schema drift in table \(table) (\(count) column\(count == 1 ? "" : "s"))", reason: "schema-drift", phase: "Failed", drift: drift)
        }
    }

    /// One item of the loop as it is planned: its database, its times, its steps' times, how it fails.
    struct LoopingDAGPlan {
        struct Step { var start: Double; var end: Double }
        struct Item { var db: String; var start: Double; var end: Double; var steps: [Step]; var failure: AuditFailure? }
        var created: Double
        var t0: Double
        var listEnd: Double
        var items: [Item]
        var itemsEnd: Double
        var exitStart: Double
        var finishedAt: Double { exitStart + 7 }
        /// The phase the workflow ends in and its message.
        var phase: String
        var firstBad: Int?

        /// Every instant something in the workflow starts or ends, in order.
        var transitions: [Double] {
            var times = [t0, listEnd, itemsEnd + 1, exitStart, exitStart + 6, finishedAt]
            for item in items {
                times += [item.start, item.end]
                for step in item.steps { times += [step.start, step.end] }
            }
            return times.sorted()
        }
    }

    /// The times and outcomes of a looping DAG (the same arguments give the same plan).
    static func loopingDAGPlan(name: String, items: Int, failing: Set<Int>, erroring: Set<Int>, now: Double) -> LoopingDAGPlan {
        var random = SeededRandom(seed: UInt64(fnv32a(name)))
        let created = now - 90 * 60
        let t0 = created + 2
        let listEnd = t0 + 34
        let failingOrder = failing.sorted()
        typealias Step = LoopingDAGPlan.Step
        let parallelism = max(20, (items + 14) / 15)
        var slots = [Double](repeating: listEnd + 3, count: parallelism)
        var lastStart = listEnd + 2
        var plan: [LoopingDAGPlan.Item] = []
        for i in 0..<items {
            let db = "db-" + String(i).leftPadded(to: 3)
            let slot = slots.indices.min { slots[$0] < slots[$1] }!
            let start = max(slots[slot], lastStart + 1)
            lastStart = start
            let failure = auditFailure(i, db: db, failing: failingOrder, erroring: erroring)
            var steps: [Step] = []
            var clock = start + 1
            let ranges: [Range<Int>] = [3..<13, 40..<121, 30..<91, 5..<21]
            for s in 0..<4 {
                if let failure, s > failure.step { break }
                var duration = Double(random.int(ranges[s]))
                if let failure, s == failure.step, failure.phase == "Error" { duration = duration / 2 + 1 }
                steps.append(Step(start: clock, end: clock + duration))
                clock += duration + Double(1 + random.int(0..<2))
            }
            let end = steps.last!.end + 1
            slots[slot] = end + 1
            plan.append(.init(db: db, start: start, end: end, steps: steps, failure: failure))
        }
        let itemsEnd = plan.map(\.end).max() ?? listEnd
        let anyError = plan.contains { $0.failure?.phase == "Error" }
        let anyFailed = plan.contains { $0.failure?.phase == "Failed" }
        return LoopingDAGPlan(
            created: created, t0: t0, listEnd: listEnd, items: plan, itemsEnd: itemsEnd, exitStart: itemsEnd + 2,
            phase: anyFailed ? "Failed" : anyError ? "Error" : "Succeeded", firstBad: plan.indices.first { plan[$0].failure != nil })
    }

    /// - Parameter archived: items whose failed step's pod is gone, its log kept as the `main-logs` artifact.
    static func loopingDAGBuilder(
        name: String, namespace: String, items: Int, failing: Set<Int>, erroring: Set<Int>, now: Double,
        archived: Set<Int> = []
    ) -> WorkflowBuilder {
        let plan = loopingDAGPlan(name: name, items: items, failing: failing, erroring: erroring, now: now)
        return loopingDAGBuilder(name: name, namespace: namespace, plan: plan, archived: archived, at: nil)
    }

    /// The workflow of `plan` as it is at the instant `at` (nil: when it has ended): a node exists once it has
    /// started, is Running until it ends (no end time, exit code, outputs or message before), and the steps
    /// an item's failure leaves out show as Omitted when the item ends; the workflow runs until its exit
    /// handler is done.
    static func loopingDAGBuilder(
        name: String, namespace: String, plan: LoopingDAGPlan, archived: Set<Int> = [], at: Double?
    ) -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: name, namespace: namespace, created: plan.created)
        let parts = name.split(separator: "-")
        let template = parts.count > 1 ? parts.dropLast().joined(separator: "-") : name
        wf.labels = [("workflows.argoproj.io/workflow-template", template)]
        wf.entrypoint = "audit-fleet"
        /// Whether the instant `t` has come.
        func reached(_ t: Double) -> Bool { at.map { t <= $0 } ?? true }
        let t0 = plan.t0
        let listEnd = plan.listEnd
        let itemsEnd = plan.itemsEnd
        let exitStart = plan.exitStart
        let workflowEnded = reached(plan.finishedAt)
        wf.startedAt = t0
        wf.finishedAt = workflowEnded ? plan.finishedAt : nil
        wf.phase = workflowEnded ? plan.phase : "Running"
        let finalMessage = plan.firstBad.map { "child '\(wf.nodeID("\(name).audit(\($0):\(plan.items[$0].db))"))' failed" }
        if workflowEnded { wf.message = finalMessage }
        // Pods that exist by now, and those that succeeded.
        var totalPods = reached(t0) ? 1 : 0
        var goodPods = reached(listEnd) ? 1 : 0
        for item in plan.items {
            for (s, step) in item.steps.enumerated() where reached(step.start) {
                totalPods += 1
                if reached(step.end) && item.failure?.step != s { goodPods += 1 }
            }
        }
        let rootEnded = reached(itemsEnd + 1)
        let root = wf.add(.init(name: name, displayName: name, type: "DAG", template: "audit-fleet", phase: rootEnded ? plan.phase : "Running", start: t0, end: rootEnded ? itemsEnd + 1 : nil, message: rootEnded ? finalMessage : nil, progress: "\(goodPods)/\(totalPods)"))
        let databases = plan.items.map(\.db)
        let items = plan.items.count
        let listDone = reached(listEnd)
        let list = wf.add(.init(name: "\(name).list-databases", displayName: "list-databases", type: "Pod", template: "list-databases", phase: listDone ? "Succeeded" : "Running", boundary: root, start: t0, end: listDone ? listEnd : nil, exitCode: listDone ? 0 : nil, outputs: listDone ? [("count", String(items)), ("databases", "[" + databases.prefix(3).map { "\"\($0)\"" }.joined(separator: ",") + (items > 3 ? ",…" : "") + "]")] : []), parent: root)
        for (i, item) in plan.items.enumerated() where reached(item.start) {
            let itemName = "\(name).audit(\(i):\(item.db))"
            let failure = item.failure
            let failedStepID = failure.map { wf.nodeID("\(itemName).\(auditSteps[$0.step])") }
            let itemEnded = reached(item.end)
            let started = item.steps.count { reached($0.start) }
            let done = itemEnded ? item.steps.count - (failure == nil ? 0 : 1)
                : item.steps.indices.count { reached(item.steps[$0].end) && failure?.step != $0 }
            let dag = wf.add(.init(name: itemName, displayName: "audit(\(i):\(item.db))", type: "DAG", template: "audit-database", phase: itemEnded ? failure?.phase ?? "Succeeded" : "Running", boundary: root, start: item.start, end: itemEnded ? item.end : nil, message: itemEnded ? failedStepID.map { "child '\($0)' \(failure!.phase == "Error" ? "errored" : "failed")" } : nil, inputs: [("database", item.db)], progress: "\(done)/\(itemEnded ? item.steps.count : started)"), parent: list)
            var previous = dag
            for (s, step) in auditSteps.enumerated() {
                let stepName = "\(itemName).\(step)"
                if s >= item.steps.count {
                    guard itemEnded else { break }
                    previous = wf.add(.init(name: stepName, displayName: step, type: "Skipped", template: step, phase: "Omitted", boundary: dag, message: "omitted: depends condition not met"), parent: previous)
                    continue
                }
                let times = item.steps[s]
                guard reached(times.start) else { break }
                let stepEnded = reached(times.end)
                let fails = failure?.step == s
                let job = "audit-\(item.db)-\(step.split(separator: "-").first!)"
                var outputs: [(String, String)] = []
                if stepEnded && !(fails && failure!.phase == "Error") {
                    outputs = [("job_name", job), ("status", fails ? "failed" : "ok"), ("failure_reason", fails ? failure!.reason : "")]
                    if s == 2 {
                        if fails, let drift = failure!.drift {
                            outputs.append(("drift_report", String(decoding: drift.serialized(), as: UTF8.self)))
                        } else if i % 10 == 0 {
                            outputs.append(("drift_report", "{\"tables\":\(8 + i % 9),\"drift\":[]}"))
                        }
                    }
                }
                var artifacts: [(String, String)] = []
                if stepEnded && fails && archived.contains(i) {
                    let pod = PodName.generate(workflowName: name, nodeName: stepName, templateName: step, nodeID: wf.nodeID(stepName), format: wf.podNameFormat)
                    artifacts = [("main-logs", "\(name)/\(pod)/main.log")]
                }
                let phase = !stepEnded ? "Running" : fails ? failure!.phase : "Succeeded"
                let message = stepEnded && fails ? (failure!.exitCode.map { "Error (exit code \($0)): \(failure!.message)" } ?? failure!.message) : nil
                let exitCode = !stepEnded ? nil : fails ? failure!.exitCode : 0
                previous = wf.add(.init(name: stepName, displayName: step, type: "Pod", template: step, phase: phase, boundary: dag, start: times.start, end: stepEnded ? times.end : nil, message: message, exitCode: exitCode, outputs: outputs, inputs: [("database", item.db)], artifacts: artifacts), parent: previous)
            }
        }
        if reached(exitStart) {
            let exitEnded = reached(exitStart + 6)
            wf.add(.init(name: "\(name).onExit", displayName: "\(name).onExit", type: "Pod", template: "notify-slack", phase: exitEnded ? "Succeeded" : "Running", start: exitStart, end: exitEnded ? exitStart + 6 : nil, exitCode: exitEnded ? 0 : nil, inputs: [("status", plan.phase)]))
        }
        return wf
    }
}

extension DemoCluster {
    /// When a looping DAG's steps happen, in seconds from its start: every item has started by
    /// `lastItemStart`; its exit handler ends at `duration`.
    public static func loopingDAGTimeline(name: String, items: Int, failing: Set<Int>, erroring: Set<Int> = []) -> (lastItemStart: Double, duration: Double) {
        let plan = loopingDAGPlan(name: name, items: items, failing: failing, erroring: erroring, now: frozenNow)
        return ((plan.items.map(\.start).max() ?? plan.t0) - plan.t0, plan.finishedAt - plan.t0)
    }

    /// Hosts a looping DAG (3 + 5 × items nodes once every item has started) that runs while the clock moves:
    /// at the cluster's current instant it is `elapsed` seconds into its run; then, every `interval` seconds of
    /// cluster time in which a step started or ended, the controller writes it again (one MODIFIED), as
    /// `loopingDAG` would be at that instant, until it has ended. Returns the object as it is now.
    @discardableResult
    public func runLoopingDAG(
        name: String, namespace: String? = nil, items: Int, failing: Set<Int>, erroring: Set<Int> = [], elapsed: Double,
        interval: Double = 1
    ) -> JSONValue? {
        let instant = now
        let start = instant - elapsed
        // The plan puts its start 90 minutes minus 2 seconds before `now`.
        let plan = DemoCluster.loopingDAGPlan(name: name, items: items, failing: failing, erroring: erroring, now: start + 90 * 60 - 2)
        let running = RunningLoopingDAG(name: name, namespace: namespace ?? self.namespace, plan: plan)
        let first = update(name) { _ in running.object(at: instant) }
        run(name, every: max(0.01, interval), until: plan.finishedAt) { running.changed(at: $0) }
        return first
    }
}

/// The states of a running looping DAG. Nodes that did not change share their JSON with the state before
/// (a watch keeps every state it sends; a 10,000-node object each time would be far too much memory).
final class RunningLoopingDAG: @unchecked Sendable {
    let name: String
    let namespace: String
    let plan: DemoCluster.LoopingDAGPlan
    private let transitions: [Double]
    private var shown = 0
    private var nodes: [String: JSONValue] = [:]

    init(name: String, namespace: String, plan: DemoCluster.LoopingDAGPlan) {
        self.name = name
        self.namespace = namespace
        self.plan = plan
        transitions = plan.transitions
    }

    /// How many of the workflow's starts and ends have happened by `time`.
    private func happened(by time: Double) -> Int {
        var low = 0, high = transitions.count
        while low < high {
            let mid = (low + high) / 2
            if transitions[mid] <= time { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The object at `time` (called from the cluster's lock, one at a time).
    func object(at time: Double) -> JSONValue {
        shown = happened(by: time)
        let built = DemoCluster.loopingDAGBuilder(name: name, namespace: namespace, plan: plan, at: time).build()
        return sharingNodes(built)
    }

    /// The object at `time` when something started or ended since the last one; nil otherwise.
    func changed(at time: Double) -> JSONValue? {
        happened(by: time) == shown ? nil : object(at: time)
    }

    private func sharingNodes(_ workflow: JSONValue) -> JSONValue {
        guard case .object(var fields) = workflow, let s = fields.firstIndex(where: { $0.0 == "status" }),
            case .object(var status) = fields[s].1, let n = status.firstIndex(where: { $0.0 == "nodes" }),
            case .object(var map) = status[n].1
        else { return workflow }
        for i in map.indices {
            let (id, node) = map[i]
            if let known = nodes[id], known == node { map[i].1 = known } else { nodes[id] = node }
        }
        status[n].1 = .object(map)
        fields[s].1 = .object(status)
        return .object(fields)
    }
}
