import Foundation

/// The demo's other namespaces, beside the story in `argo`: `data-platform` (DAGs with a `withParam` fan-out, a
/// container set, an HTTP step that failed, and ordinary DAGs and steps) and `payments` (a workflow holding a
/// mutex while another waits for it, and ordinary runs). Their random numbers come from a stream of their own,
/// so the `argo` namespace is the same whatever is added here. `feature-matrix-k2m9x` in data-platform breaks
/// the lessons of production at once: no TTL, no pod GC, 1,100 pods retried into an object past 1 MiB, its node
/// status offloaded (the Kubernetes API gives it without nodes).
extension DemoCluster {
    public static let otherNamespaces = ["data-platform", "payments"]

    func otherNamespaceWorkflows(seed: UInt64) -> [WorkflowBuilder] {
        var random = SeededRandom(seed: seed ^ 0xD47A_9A7E)
        var built = [ingestEvents(), warehouseExport(), partnerWebhook(), ledgerClose(), ledgerReconcile()]
        for i in 0..<110 { built.append(ordinaryDAG(i, namespace: "data-platform", random: &random)) }
        for i in 0..<40 { built.append(ordinaryDAG(i, namespace: "payments", random: &random)) }
        return built
    }

    /// A running DAG: list the partitions, then one task a partition (`withParam`, a TaskGroup of 24), then merge.
    private func ingestEvents() -> WorkflowBuilder {
        let t0 = origin - 1_500
        let wf = run("ingest-events-r7tq2", in: "data-platform", of: "ingest-events", entrypoint: "ingest", created: t0 - 1, started: t0, phase: "Running")
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "DAG", template: "ingest", phase: "Running", start: t0))
        let partitions = (0..<24).map { String(format: "2026-11-28T%02d", $0) }
        let list = wf.add(.init(
            name: "\(wf.name).list-partitions", displayName: "list-partitions", type: "Pod", template: "list-partitions", phase: "Succeeded",
            boundary: root, start: t0, end: t0 + 20, exitCode: 0, outputs: [("result", "[\(partitions.map { "\"\($0)\"" }.joined(separator: ","))]")]),
            parent: root)
        let group = wf.add(.init(name: "\(wf.name).load", displayName: "load", type: "TaskGroup", template: "load-partition", phase: "Running", boundary: root, start: t0 + 21), parent: list)
        for (i, partition) in partitions.enumerated() {
            let start = t0 + 21 + Double(i / 6) * 300
            let done = i < 18
            let running = !done && i < 22
            wf.add(.init(
                name: "\(wf.name).load(\(i):\(partition))", displayName: "load(\(i):\(partition))", type: "Pod", template: "load-partition",
                phase: done ? "Succeeded" : running ? "Running" : "Pending", boundary: root, start: done || running ? start : nil,
                end: done ? start + 240 + Double(i * 7 % 50) : nil, exitCode: done ? 0 : nil, outputs: done ? [("rows", String(180_000 + i * 7_919))] : [],
                inputs: [("partition", partition)]),
                parent: group)
        }
        return wf
    }

    /// A finished DAG whose export step is a container set: one pod, three containers, each a node (bounded by the
    /// pod, the first its child; the task after hangs off the last container, as the controller links them).
    private func warehouseExport() -> WorkflowBuilder {
        let t0 = origin - 7_400
        let wf = run("warehouse-export-m2k8d", in: "data-platform", of: "warehouse-export", entrypoint: "export", created: t0 - 1, started: t0, phase: "Succeeded")
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "DAG", template: "export", phase: "Succeeded", start: t0))
        let snapshot = wf.add(.init(
            name: "\(wf.name).snapshot", displayName: "snapshot", type: "Pod", template: "snapshot", phase: "Succeeded", boundary: root,
            start: t0, end: t0 + 95, exitCode: 0, outputs: [("snapshot_id", "snap-20261128-0945")]), parent: root)
        let pod = wf.add(.init(
            name: "\(wf.name).export", displayName: "export", type: "Pod", template: "export-set", phase: "Succeeded", boundary: root,
            start: t0 + 96, end: t0 + 640, exitCode: 0, outputs: [("job_name", "export-20261128"), ("status", "ok")]), parent: snapshot)
        var last = pod
        for (k, container) in ["main", "compress", "upload"].enumerated() {
            last = wf.add(.init(
                name: "\(wf.name).export.\(container)", displayName: container, type: "Container", template: "export-set", phase: "Succeeded",
                boundary: pod, start: t0 + 96 + Double(k) * 180, end: t0 + 96 + Double(k + 1) * 180, exitCode: 0), parent: k == 0 ? pod : last)
        }
        wf.add(.init(
            name: "\(wf.name).notify", displayName: "notify", type: "Pod", template: "notify", phase: "Succeeded", boundary: root,
            start: t0 + 641, end: t0 + 650, exitCode: 0), parent: last)
        wf.finishedAt = t0 + 650
        wf.finish(root, at: t0 + 650)
        return wf
    }

    /// Steps whose last step is an HTTP template (run by the agent, no pod of its own) that got a 503.
    private func partnerWebhook() -> WorkflowBuilder {
        let t0 = origin - 2_900
        let wf = run("partner-webhook-x9c4n", in: "data-platform", of: "partner-webhook", entrypoint: "deliver", created: t0 - 1, started: t0, phase: "Failed")
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "deliver", phase: "Failed", start: t0))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "deliver", phase: "Succeeded", boundary: root, start: t0, end: t0 + 41), parent: root)
        let build = wf.add(.init(
            name: "\(wf.name)[0].build-payload", displayName: "build-payload", type: "Pod", template: "build-payload", phase: "Succeeded",
            boundary: root, start: t0, end: t0 + 40, exitCode: 0, outputs: [("payload_bytes", "18244")]), parent: g0)
        let g1 = wf.add(.init(name: "\(wf.name)[1]", displayName: "[1]", type: "StepGroup", template: "deliver", phase: "Failed", boundary: root, start: t0 + 41, end: t0 + 44), parent: build)
        wf.add(.init(
            name: "\(wf.name)[1].post-to-partner", displayName: "post-to-partner", type: "HTTP", template: "post-to-partner", phase: "Failed",
            boundary: root, start: t0 + 41, end: t0 + 44, message: "received non-2xx response code: 503"), parent: g1)
        wf.message = "child '\(wf.nodeID("\(wf.name)[1]"))' failed"
        wf.finishedAt = t0 + 44
        wf.finish(root, at: t0 + 44)
        return wf
    }

    static let ledgerMutex = "payments/Mutex/ledger-write"

    /// A designed run of a WorkflowTemplate (labelled with it), started at `started` unless still Pending.
    private func run(
        _ name: String, in namespace: String, of template: String, entrypoint: String, created: Double, started: Double?, phase: String
    ) -> WorkflowBuilder {
        let wf = WorkflowBuilder(name: name, namespace: namespace, created: created)
        wf.startedAt = started
        wf.phase = phase
        wf.entrypoint = entrypoint
        wf.labels = [("workflows.argoproj.io/workflow-template", template)]
        return wf
    }

    /// Holds the ledger mutex for its whole run.
    private func ledgerClose() -> WorkflowBuilder {
        let t0 = origin - 840
        let wf = run("ledger-close-h5v2p", in: "payments", of: "ledger-close", entrypoint: "close", created: t0 - 1, started: t0, phase: "Running")
        wf.mutex = "ledger-write"
        wf.synchronization = .object([("mutex", .object([("holding", .array([.object([
            ("mutex", .string(DemoCluster.ledgerMutex)), ("holder", .string("payments/\(wf.name)")),
        ])]))]))])
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "close", phase: "Running", start: t0))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "close", phase: "Running", boundary: root, start: t0), parent: root)
        wf.add(.init(name: "\(wf.name)[0].post-entries", displayName: "post-entries", type: "Pod", template: "post-entries", phase: "Running", boundary: root, start: t0), parent: g0)
        return wf
    }

    /// Waits for the ledger mutex (Pending, as the controller leaves a workflow-level lock's waiter).
    private func ledgerReconcile() -> WorkflowBuilder {
        let t0 = origin - 300
        let wf = run("ledger-reconcile-q3w8z", in: "payments", of: "ledger-reconcile", entrypoint: "reconcile", created: t0, started: nil, phase: "Pending")
        wf.mutex = "ledger-write"
        wf.message = "Waiting for \(DemoCluster.ledgerMutex) lock. Lock status: 0/1"
        wf.synchronization = .object([("mutex", .object([("waiting", .array([.object([
            ("mutex", .string(DemoCluster.ledgerMutex)), ("holder", .string("payments/ledger-close-h5v2p")),
        ])]))]))])
        return wf
    }

    static let dagKinds = ["feature-backfill", "dbt-run", "model-train", "report-render", "settlement-batch", "fraud-scan"]

    /// A finished DAG: a fan-in of two to four tasks into a last one; about one in ten fails.
    private func ordinaryDAG(_ i: Int, namespace: String, random: inout SeededRandom) -> WorkflowBuilder {
        let kind = DemoCluster.dagKinds[random.int(0..<DemoCluster.dagKinds.count)]
        let created = origin - 1_800 - Double(i) * 1_100 - Double(random.int(0..<700))
        let wf = WorkflowBuilder(name: "\(kind)-\(random.suffix())", namespace: namespace, created: created)
        let failed = random.chance(0.1)
        let t0 = created + 1
        wf.startedAt = t0
        wf.entrypoint = kind
        wf.labels = [("workflows.argoproj.io/workflow-template", kind)]
        wf.phase = failed ? "Failed" : "Succeeded"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "DAG", template: kind, phase: wf.phase, start: t0))
        let width = random.int(2..<5)
        var firstEnd = t0
        var firsts: [String] = []
        for k in 0..<width {
            let duration = Double(random.int(10..<300))
            firstEnd = max(firstEnd, t0 + duration)
            firsts.append(wf.add(.init(
                name: "\(wf.name).part-\(k + 1)", displayName: "part-\(k + 1)", type: "Pod", template: "part", phase: "Succeeded",
                boundary: root, start: t0, end: t0 + duration, exitCode: 0), parent: root))
        }
        let lastDuration = Double(random.int(5..<120))
        let last = wf.add(.init(
            name: "\(wf.name).combine", displayName: "combine", type: "Pod", template: "combine", phase: failed ? "Failed" : "Succeeded",
            boundary: root, start: firstEnd + 1, end: firstEnd + 1 + lastDuration, message: failed ? "Error (exit code 2)" : nil,
            exitCode: failed ? 2 : 0), parent: firsts[0])
        for first in firsts.dropFirst() { wf.link(last, under: first) }
        let end = firstEnd + 1 + lastDuration
        if failed { wf.message = "child '\(last)' failed" }
        wf.finishedAt = end
        wf.finish(root, at: end)
        return wf
    }
}
