import ArgoAPI
import Foundation

/// The demo's workflow archive (`/api/v1/archived-workflows`) and its WorkflowTemplates.
///
/// The cron runs live only here: each run's `ttlStrategy` deletes it from the cluster two minutes after it ends,
/// and the archive keeps it (as a controller with `persistence.archive: true` does). So the live list, and every
/// capture of it, stays as it was, while `:cron` reads the runs from the archive.
extension DemoCluster {
    /// The label Argo Server puts on workflows that come from the archive (the UI's `isArchivedWorkflow`).
    public static let archivingStatusLabel = "workflows.argoproj.io/workflow-archiving-status"

    /// `synthetic-login-check` stopped running 45 minutes ago: the stale cron ("no data").
    static func loginCheckLastRun(_ origin: Double) -> Double { (origin / 300).rounded(.down) * 300 - 45 * 60 }
    /// `synthetic-checkout` ran at the last ten-minute mark before now.
    static func checkoutLastRun(_ origin: Double) -> Double {
        let mark = (origin / 600).rounded(.down) * 600
        return mark >= origin ? mark - 600 : mark
    }
    /// Runs of `synthetic-checkout` scheduled at or after this instant fail (a change was deployed just before).
    static func checkoutBrokenSince(_ origin: Double) -> Double { checkoutLastRun(origin) - 20 * 60 }

    /// Every archived workflow, newest first, whole (nodes included): the archive the cluster was made with
    /// and the runs fired since that have ended (the archive takes a workflow when it completes).
    public var archivedWorkflows: [JSONValue] {
        let now = self.now
        let broken = DemoCluster.checkoutBrokenSince(origin)
        var runs = madeArchive
        for run in firedCheckoutRuns(upTo: now) where run.at + 1 + run.duration <= now {
            runs.append((run.at, cronRun("synthetic-checkout", probe: "checkout-flow", at: run.at, fails: run.at >= broken, duration: run.duration)))
        }
        return runs.sorted { $0.at > $1.at }.map(\.workflow)
    }

    /// The cron runs up to the cluster's origin and an ordinary workflow that is only in the archive.
    func archiveAtOrigin() -> [(at: Double, workflow: JSONValue)] {
        var runs: [(at: Double, workflow: JSONValue)] = []
        let login = DemoCluster.loginCheckLastRun(origin)
        for k in 0..<12 {
            let at = login - Double(k) * 300
            runs.append((at, cronRun("synthetic-login-check", probe: "login", at: at, fails: false, duration: 38 + Double(k % 4) * 5)))
        }
        let checkout = DemoCluster.checkoutLastRun(origin)
        let broken = DemoCluster.checkoutBrokenSince(origin)
        for k in 0..<12 {
            let at = checkout - Double(k) * 600
            runs.append((at, cronRun("synthetic-checkout", probe: "checkout-flow", at: at, fails: at >= broken, duration: 71 + Double(k % 3) * 9)))
        }
        let day = (origin / 86_400).rounded(.down) * 86_400
        for k in 1...5 {
            let at = day - Double(k) * 86_400 + 7_200
            runs.append((at, cronRun("nightly-report", probe: "report", at: at, fails: k == 4, duration: 900 + Double(k) * 31)))
        }
        runs.append((origin - 2 * 86_400 - 3_600, dataExport()))
        return runs
    }

    /// `synthetic-checkout` goes on firing while the clock moves (live or manual): a run at each ten-minute mark
    /// after the last one the cluster was made with, each failing since the change. (`synthetic-login-check`
    /// stays silent: it is the stale cron; `nightly-report` is suspended.)
    func firedCheckoutRuns(upTo time: Double) -> [(at: Double, duration: Double)] {
        guard clock != .frozen else { return [] }
        var runs: [(at: Double, duration: Double)] = []
        var at = DemoCluster.checkoutLastRun(origin) + 600
        while at <= time {
            runs.append((at, 71 + Double(runs.count % 3) * 9))
            at += 600
        }
        return runs
    }

    /// Schedules the next six hours of `synthetic-checkout` runs: each appears Running, ends Failed with its exit
    /// handler's alert, and is deleted two minutes later by its `ttlStrategy` (the archive keeps it).
    func scheduleCronRuns() {
        let broken = DemoCluster.checkoutBrokenSince(origin)
        for run in firedCheckoutRuns(upTo: origin + 6 * 3_600) {
            let name = "synthetic-checkout-\(Int(run.at))"
            let fails = run.at >= broken
            let running = cronRun("synthetic-checkout", probe: "checkout-flow", at: run.at, fails: fails, duration: run.duration, live: true, running: true)
            let ended = cronRun("synthetic-checkout", probe: "checkout-flow", at: run.at, fails: fails, duration: run.duration, live: true)
            let end = run.at + 1 + run.duration
            schedule(name, states: [(run.at, running), (end, ended), (end + 120, nil)], final: ended)
        }
    }

    /// A run of a cron: one probe step and an exit handler that reports the outcome.
    /// - Parameter live: as the cluster holds it (not labelled as coming from the archive).
    /// - Parameter running: the probe still runs (no outcome, no exit handler yet).
    func cronRun(
        _ cron: String, probe: String, at scheduled: Double, fails: Bool, duration: Double, live: Bool = false, running: Bool = false
    ) -> JSONValue {
        let wf = WorkflowBuilder(name: "\(cron)-\(Int(scheduled))", namespace: namespace, created: scheduled)
        wf.labels = [("workflows.argoproj.io/cron-workflow", cron)] + (live ? [] : [(DemoCluster.archivingStatusLabel, "Persisted")])
        wf.annotations = [("workflows.argoproj.io/scheduled-time", rfc3339(scheduled))]
        wf.owner = cron
        wf.ownerKind = "CronWorkflow"
        wf.ttlSeconds = 120
        wf.entrypoint = "main"
        let t0 = scheduled + 1
        let end = t0 + duration
        wf.startedAt = t0
        let phase = running ? "Running" : fails ? "Failed" : "Succeeded"
        wf.phase = phase
        if !running { wf.finishedAt = end }
        let failure = "Error (exit code 1): POST /api/cart/checkout returned 502 Bad Gateway (expected 200)"
        let stepEnd: Double? = running ? nil : end - 7
        let groupEnd: Double? = running ? nil : end - 6
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "main", phase: phase, start: t0, end: groupEnd))
        let group = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "main", phase: phase, boundary: root, start: t0, end: groupEnd), parent: root)
        let step = wf.add(.init(
            name: "\(wf.name)[0].\(probe)", displayName: probe, type: "Pod", template: probe, phase: phase, boundary: root, start: t0, end: stepEnd,
            message: fails && !running ? failure : nil, exitCode: running ? nil : fails ? 1 : 0,
            outputs: running ? [] : [("status", fails ? "failed" : "ok")]), parent: group)
        if running { return wf.build() }
        if fails { wf.message = "child '\(step)' failed" }
        wf.add(.init(name: "\(wf.name).onExit", displayName: "\(wf.name).onExit", type: "Pod", template: "notify", phase: "Succeeded", start: end - 5, end: end - 1, exitCode: 0, outputs: [("sent", fails ? "alert to #checkout-oncall" : "ok")]))
        return wf.build()
    }

    /// An ordinary workflow that is only in the archive.
    func dataExport() -> JSONValue {
        let created = origin - 2 * 86_400 - 3_600
        let wf = WorkflowBuilder(name: "data-export-2xkq9", namespace: namespace, created: created)
        wf.labels = [("workflows.argoproj.io/workflow-template", "data-export"), (DemoCluster.archivingStatusLabel, "Persisted")]
        wf.entrypoint = "export"
        let t0 = created + 2
        wf.startedAt = t0
        wf.finishedAt = t0 + 412
        wf.phase = "Failed"
        let root = wf.add(.init(name: wf.name, displayName: wf.name, type: "Steps", template: "export", phase: "Failed", start: t0, end: t0 + 412))
        let g0 = wf.add(.init(name: "\(wf.name)[0]", displayName: "[0]", type: "StepGroup", template: "export", phase: "Succeeded", boundary: root, start: t0, end: t0 + 200), parent: root)
        let dump = wf.add(.init(name: "\(wf.name)[0].dump", displayName: "dump", type: "Pod", template: "dump", phase: "Succeeded", boundary: root, start: t0, end: t0 + 199, exitCode: 0), parent: g0)
        let g1 = wf.add(.init(name: "\(wf.name)[1]", displayName: "[1]", type: "StepGroup", template: "export", phase: "Failed", boundary: root, start: t0 + 200, end: t0 + 412), parent: dump)
        let upload = wf.add(.init(name: "\(wf.name)[1].upload", displayName: "upload", type: "Pod", template: "upload", phase: "Failed", boundary: root, start: t0 + 200, end: t0 + 411, message: "Error (exit code 1): AccessDenied: s3://exports/2026-11-26/ is not writable", exitCode: 1), parent: g1)
        wf.message = "child '\(upload)' failed"
        return wf.build()
    }

    /// The WorkflowTemplates: one for each `workflow-template` label the live workflows carry, and the archive's.
    public var workflowTemplates: [JSONValue] {
        var names = Set<String>(["data-export"])
        for wf in workflows {
            if let name = wf["metadata"]?["labels"]?["workflows.argoproj.io/workflow-template"]?.stringValue { names.insert(name) }
        }
        return names.sorted().map { name in
            .object([
                ("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string("WorkflowTemplate")),
                ("metadata", .object([
                    ("name", .string(name)), ("namespace", .string(namespace)),
                    ("uid", .string(WorkflowBuilder(name: name, namespace: namespace, created: 0).uuid(from: "template/" + name))),
                    ("creationTimestamp", .string(rfc3339(origin - 60 * 86_400 + Double(fnv32a(name) % 86_400)))),
                ])),
                ("spec", .object([("entrypoint", .string(name))])),
            ])
        }
    }
}

extension DemoServer {
    /// `/api/v1/archived-workflows?namespace=&listOptions.labelSelector=&listOptions.limit=&listOptions.continue=&namePrefix=`
    /// (summaries: no nodes) and `/api/v1/archived-workflows/{uid}?namespace=` (whole).
    func archived(_ rest: [String], query: [String: String]) -> Response {
        let ns = query["namespace"] ?? ""
        let all = cluster.archivedWorkflows.filter { ns.isEmpty || $0["metadata"]?["namespace"]?.stringValue == ns }
        if rest.count >= 2, !rest[1].isEmpty {
            guard let wf = all.first(where: { $0["metadata"]?["uid"]?.stringValue == rest[1] }) else {
                return error(404, code: 5, "not found")
            }
            return json(wf)
        }
        guard let filter = ListFilter(query: query) else { return error(400, code: 3, "unable to parse the selector") }
        let prefix = query["namePrefix"] ?? ""
        let matching = all.filter { filter.accepts($0) && (prefix.isEmpty || ($0["metadata"]?["name"]?.stringValue ?? "").hasPrefix(prefix)) }
        let limit = Int(query["listOptions.limit"] ?? "") ?? 0
        let offset = Int(query["listOptions.continue"] ?? "") ?? 0
        let end = limit > 0 ? min(matching.count, offset + limit) : matching.count
        let page = offset < matching.count ? Array(matching[offset..<end]) : []
        let metadata: JSONValue = end < matching.count ? .object([("continue", .string(String(end)))]) : .object([])
        return json(.object([("metadata", metadata), ("items", page.isEmpty ? .null : .array(page.map { $0.removing(["status", "nodes"]) }))]))
    }

    /// `/api/v1/workflow-templates/{ns}`.
    func workflowTemplates(namespace ns: String, kube: Bool) -> Response {
        let items = cluster.workflowTemplates.filter { ns.isEmpty || $0["metadata"]?["namespace"]?.stringValue == ns }
        if kube {
            return json(.object([("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string("WorkflowTemplateList")),
                                 ("metadata", .object([])), ("items", .array(items))]))
        }
        return json(.object([("metadata", .object([])), ("items", items.isEmpty ? .null : .array(items))]))
    }
}

extension JSONValue {
    /// The value with the field at `path` removed.
    func removing(_ path: [String]) -> JSONValue {
        setting(path, nil)
    }

    /// The value with the field at `path` set (nil removes it); objects on the way are made when missing.
    func setting(_ path: [String], _ value: JSONValue?) -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        var fields: [(String, JSONValue)]
        if case .object(let pairs) = self { fields = pairs } else { fields = [] }
        let index = fields.firstIndex { $0.0 == key }
        if path.count == 1 {
            if let value {
                if let index { fields[index].1 = value } else { fields.append((key, value)) }
            } else if let index {
                fields.remove(at: index)
            }
        } else {
            let inner = (index.map { fields[$0].1 } ?? .object([])).setting(Array(path.dropFirst()), value)
            if let index { fields[index].1 = inner } else { fields.append((key, inner)) }
        }
        return .object(fields)
    }
}

extension DemoCluster {
    /// A workflow built to raise every hygiene flag (`clean: false`) or none (`clean: true`), for tests: without
    /// a TTL or pod GC, with more than 1,000 pods each retried twice (the attempts stay in the object, past
    /// 1 MiB), its node status offloaded. Add it with `update(name) { _ in … }`.
    public func hygieneSample(name: String, clean: Bool, namespace ns: String? = nil) -> JSONValue {
        let wf = WorkflowBuilder(name: name, namespace: ns ?? namespace, created: origin - 3_600)
        wf.entrypoint = "fan-out"
        let t0 = origin - 3_600 + 1
        wf.startedAt = t0
        wf.finishedAt = t0 + 1_800
        wf.phase = "Succeeded"
        if !clean {
            wf.ttlSeconds = nil
            wf.podGC = nil
            wf.offloadVersion = "fnv-\(fnv32a(name))"
        }
        let root = wf.add(.init(name: name, displayName: name, type: "Steps", template: "fan-out", phase: "Succeeded", start: t0, end: t0 + 1_800))
        let group = wf.add(.init(name: "\(name)[0]", displayName: "[0]", type: "StepGroup", template: "fan-out", phase: "Succeeded", boundary: root, start: t0, end: t0 + 1_800), parent: root)
        for i in 0..<(clean ? 3 : 1_100) {
            let item = "\(name)[0].shard(\(i):\(i))"
            let retry = wf.add(.init(name: item, displayName: "shard(\(i):\(i))", type: "Retry", template: "shard", phase: "Succeeded", boundary: root, start: t0, end: t0 + 600), parent: group)
            for attempt in 0..<(clean ? 1 : 3) {
                let last = attempt == (clean ? 0 : 2)
                wf.add(.init(name: "\(item)(\(attempt))", displayName: "shard(\(i):\(i))(\(attempt))", type: "Pod", template: "shard", phase: last ? "Succeeded" : "Failed", boundary: root, start: t0 + Double(attempt) * 200, end: t0 + Double(attempt) * 200 + 150, message: last ? nil : "Error (exit code 137): OOMKilled", exitCode: last ? 0 : 137), parent: retry)
            }
        }
        return wf.build()
    }
}
