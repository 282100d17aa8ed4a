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

    private struct AuditFailure {
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

    /// - Parameter archived: items whose failed step's pod is gone, its log kept as the `main-logs` artifact.
    static func loopingDAGBuilder(
        name: String, namespace: String, items: Int, failing: Set<Int>, erroring: Set<Int>, now: Double,
        archived: Set<Int> = []
    ) -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: name, namespace: namespace, created: now - 90 * 60)
        let parts = name.split(separator: "-")
        let template = parts.count > 1 ? parts.dropLast().joined(separator: "-") : name
        wf.labels = [("workflows.argoproj.io/workflow-template", template)]
        wf.entrypoint = "audit-fleet"
        var random = SeededRandom(seed: UInt64(fnv32a(name)))
        let t0 = wf.created + 2
        let listEnd = t0 + 34
        let failingOrder = failing.sorted()

        // Plan every item first: the root needs the outcome and the end time.
        struct Step { var start: Double; var end: Double }
        struct Item { var db: String; var start: Double; var end: Double; var steps: [Step]; var failure: AuditFailure? }
        let parallelism = max(20, (items + 14) / 15)
        var slots = [Double](repeating: listEnd + 3, count: parallelism)
        var lastStart = listEnd + 2
        var plan: [Item] = []
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
            plan.append(Item(db: db, start: start, end: end, steps: steps, failure: failure))
        }
        let itemsEnd = plan.map(\.end).max() ?? listEnd
        let exitStart = itemsEnd + 2
        wf.startedAt = t0
        wf.finishedAt = exitStart + 7
        let firstBad = plan.indices.first { plan[$0].failure != nil }
        let anyError = plan.contains { $0.failure?.phase == "Error" }
        let anyFailed = plan.contains { $0.failure?.phase == "Failed" }
        wf.phase = anyFailed ? "Failed" : anyError ? "Error" : "Succeeded"
        if let firstBad {
            wf.message = "child '\(wf.nodeID("\(name).audit(\(firstBad):\(plan[firstBad].db))"))' failed"
        }
        let totalPods = 1 + plan.reduce(0) { $0 + $1.steps.count }
        let goodPods = 1 + plan.reduce(0) { $0 + $1.steps.count - ($1.failure == nil ? 0 : 1) }

        let root = wf.add(.init(name: name, displayName: name, type: "DAG", template: "audit-fleet", phase: wf.phase, start: t0, end: itemsEnd + 1, message: wf.message, progress: "\(goodPods)/\(totalPods)"))
        let databases = plan.map(\.db)
        let list = wf.add(.init(name: "\(name).list-databases", displayName: "list-databases", type: "Pod", template: "list-databases", phase: "Succeeded", boundary: root, start: t0, end: listEnd, exitCode: 0, outputs: [("count", String(items)), ("databases", "[" + databases.prefix(3).map { "\"\($0)\"" }.joined(separator: ",") + (items > 3 ? ",…" : "") + "]")]), parent: root)
        for (i, item) in plan.enumerated() {
            let itemName = "\(name).audit(\(i):\(item.db))"
            let failure = item.failure
            let failedStepID = failure.map { wf.nodeID("\(itemName).\(auditSteps[$0.step])") }
            let done = item.steps.count - (failure == nil ? 0 : 1)
            let dag = wf.add(.init(name: itemName, displayName: "audit(\(i):\(item.db))", type: "DAG", template: "audit-database", phase: failure?.phase ?? "Succeeded", boundary: root, start: item.start, end: item.end, message: failedStepID.map { "child '\($0)' \(failure!.phase == "Error" ? "errored" : "failed")" }, inputs: [("database", item.db)], progress: "\(done)/\(item.steps.count)"), parent: list)
            var previous = dag
            for (s, step) in auditSteps.enumerated() {
                let stepName = "\(itemName).\(step)"
                if s >= item.steps.count {
                    previous = wf.add(.init(name: stepName, displayName: step, type: "Skipped", template: step, phase: "Omitted", boundary: dag, message: "omitted: depends condition not met"), parent: previous)
                    continue
                }
                let times = item.steps[s]
                let fails = failure?.step == s
                let job = "audit-\(item.db)-\(step.split(separator: "-").first!)"
                var outputs: [(String, String)] = []
                if !(fails && failure!.phase == "Error") {
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
                if fails && archived.contains(i) {
                    let pod = PodName.generate(workflowName: name, nodeName: stepName, templateName: step, nodeID: wf.nodeID(stepName), format: wf.podNameFormat)
                    artifacts = [("main-logs", "\(name)/\(pod)/main.log")]
                }
                previous = wf.add(.init(name: stepName, displayName: step, type: "Pod", template: step, phase: fails ? failure!.phase : "Succeeded", boundary: dag, start: times.start, end: times.end, message: fails ? (failure!.exitCode.map { "Error (exit code \($0)): \(failure!.message)" } ?? failure!.message) : nil, exitCode: fails ? failure!.exitCode : 0, outputs: outputs, inputs: [("database", item.db)], artifacts: artifacts), parent: previous)
            }
        }
        wf.add(.init(name: "\(name).onExit", displayName: "\(name).onExit", type: "Pod", template: "notify-slack", phase: "Succeeded", start: exitStart, end: exitStart + 6, exitCode: 0, inputs: [("status", wf.phase)]))
        return wf
    }
}
