import ArgoAPI
import Foundation

/// One line of a container's log and the instant it was written.
public struct DemoLogLine: Equatable, Sendable {
    public var time: Double
    public var text: String
}

/// What the cluster knows about a pod's log.
public enum DemoPodLog: Equatable, Sendable {
    case noWorkflow
    case noPod
    case lines([DemoLogLine])
}

/// A container's log as a followed stream sees it: the lines written so far, and whether the container is done.
public enum DemoLogState: Equatable, Sendable {
    case noWorkflow
    case noPod
    /// The pod was garbage-collected after its workflow ended: the log endpoint has nothing to stream.
    case gone
    case lines([DemoLogLine], finished: Bool)
}

extension DemoCluster {
    /// The log of `container` of the pod `podName` of a workflow: generated from its node, the same every time.
    /// Only `main` says much; `wait` has the executor's two lines; other containers are empty.
    public func podLog(namespace ns: String, workflow name: String, podName: String, container: String) -> DemoPodLog {
        switch logState(namespace: ns, workflow: name, podName: podName, container: container) {
        case .noWorkflow: return .noWorkflow
        case .noPod: return .noPod
        case .gone: return .lines([])
        case .lines(let lines, _): return .lines(lines)
        }
    }

    /// The lines of a container written by now. A running step of a moving cluster shows the first lines of
    /// the log it will have when it ends, so that a followed log only ever grows.
    public func logState(namespace ns: String, workflow name: String, podName: String, container: String) -> DemoLogState {
        guard let wf = workflow(named: name), ns.isEmpty || wf["metadata"]?["namespace"]?.stringValue == ns else {
            return .noWorkflow
        }
        if gonePod(podName)?.workflow == name { return .gone }
        guard case .object(let nodes)? = wf["status"]?["nodes"],
            let (id, node) = nodes.first(where: { WorkflowBuilder.podName(workflow: wf, node: $0.1) == podName })
        else { return .noPod }
        let finished = node["finishedAt"]?.stringValue != nil
        var source = node
        var all = nodes
        var visibleUntil = Double.infinity
        if !finished, let final = finalForm(of: name), case .object(let finalNodes)? = final["status"]?["nodes"],
            let planned = finalNodes.first(where: { $0.0 == id })?.1
        {
            source = planned
            all = finalNodes
            visibleUntil = now
        }
        var lines: [DemoLogLine]
        switch container {
        case "main":
            let boundary = source["boundaryID"]?.stringValue.flatMap { b in all.first(where: { $0.0 == b })?.1 }
            lines = DemoCluster.mainLog(of: source, boundary: boundary, workflowName: name, now: origin)
        case "wait": lines = DemoCluster.waitLog(of: source, now: origin)
        default: lines = []
        }
        if visibleUntil < .infinity { lines = lines.filter { $0.time <= visibleUntil } }
        return .lines(lines, finished: finished)
    }

    /// The text of an output artifact of a node: `main-logs` of a pod that is gone (its archived log, plain
    /// lines without timestamps). Nil when there is no such artifact.
    public func artifactText(namespace ns: String, workflow name: String, nodeID: String, artifactName: String) -> String? {
        guard let wf = workflow(named: name), ns.isEmpty || wf["metadata"]?["namespace"]?.stringValue == ns,
            case .object(let nodes)? = wf["status"]?["nodes"], let node = nodes.first(where: { $0.0 == nodeID })?.1,
            case .array(let artifacts)? = node["outputs"]?["artifacts"],
            artifacts.contains(where: { $0["name"]?.stringValue == artifactName }), artifactName == "main-logs"
        else { return nil }
        let boundary = node["boundaryID"]?.stringValue.flatMap { b in nodes.first(where: { $0.0 == b })?.1 }
        let lines = DemoCluster.mainLog(of: node, boundary: boundary, workflowName: name, now: origin)
        return lines.map { $0.text + "\n" }.joined()
    }

    static func times(of node: JSONValue, now: Double) -> (Double, Double)? {
        guard let start = node["startedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))?.seconds else { return nil }
        let end = node["finishedAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:))?.seconds ?? max(start + 1, now)
        return (start, max(end, start + 1))
    }

    static func waitLog(of node: JSONValue, now: Double) -> [DemoLogLine] {
        guard let (start, end) = times(of: node, now: now) else { return [] }
        var lines = [DemoLogLine(time: start + 0.4, text: "time=\"\(Timestamp(seconds: start).rfc3339)\" level=info msg=\"Starting Workflow Executor\" version=v4.1.2")]
        if node["finishedAt"]?.stringValue != nil {
            lines.append(DemoLogLine(time: end - 0.2, text: "time=\"\(Timestamp(seconds: end).rfc3339)\" level=info msg=\"Main container completed\" error=\"<nil>\""))
        }
        return lines
    }

    /// 20 to 60 plausible lines between the node's start and finish (or now): what the step did, its outputs,
    /// and for a failed step, last lines in the words of its message.
    /// `boundary` is the DAG or Steps node the step belongs to: its inputs say what the step works on.
    static func mainLog(of node: JSONValue, boundary: JSONValue?, workflowName: String, now: Double) -> [DemoLogLine] {
        guard let (start, end) = times(of: node, now: now), let nodeName = node["name"]?.stringValue else { return [] }
        var random = SeededRandom(seed: UInt64(fnv32a(nodeName)) | 1 << 40)
        let template = node["templateName"]?.stringValue ?? "main"
        let phase = node["phase"]?.stringValue ?? ""
        let message = node["message"]?.stringValue ?? ""
        let exitCode = node["outputs"]?["exitCode"]?.stringValue
        func parameters(_ key: String, of node: JSONValue? = node) -> [(String, String)] {
            guard case .array(let items)? = node?[key]?["parameters"] else { return [] }
            return items.compactMap { item in item["name"]?.stringValue.map { ($0, item["value"]?.stringValue ?? "") } }
        }
        let inputs = parameters("inputs")
        let outputs = parameters("outputs")
        let context = inputs.isEmpty ? parameters("inputs", of: boundary) : inputs
        let subject = context.first(where: { $0.0 == "database" })?.1 ?? context.first?.1 ?? workflowName

        var texts: [String] = []
        texts.append("\(template): starting (workflow \(workflowName), node \(node["displayName"]?.stringValue ?? nodeName))")
        for (key, value) in context { texts.append("input \(key)=\(value)") }
        let count = 20 + random.int(0..<41)
        var ending: [String] = []
        switch phase {
        case "Succeeded":
            for (key, value) in outputs { ending.append("output \(key)=\(value)") }
            ending.append("\(template): done in \(Int(end - start))s")
        case "Failed":
            var reason = message
            if let colon = reason.range(of: "): "), reason.hasPrefix("Error (exit code") {
                reason = String(reason[colon.upperBound...])
            } else if reason.hasPrefix("Error (exit code") || reason.isEmpty {
                reason = "\(template) failed"
            }
            if template == "check-grants" {
                ending.append("\u{1b}[1;31mFAIL\u{1b}[0m \(template): 1 violation found on \(subject)")
            }
            for (key, value) in outputs where key != "job_name" { ending.append("output \(key)=\(value)") }
            ending.append("ERROR \(reason)")
            ending.append("exiting with code \(exitCode ?? "1")")
        case "Error":
            ending.append("received SIGTERM, stopping: \(message.isEmpty ? "terminated" : message)")
        default:
            break
        }
        let bodyCount = max(4, count - texts.count - ending.count)
        // Running steps stop mid-work; finished ones fill the whole span.
        for k in 0..<bodyCount {
            texts.append(workLine(template: template, subject: subject, step: k, of: bodyCount, random: &random))
        }
        texts += ending

        let span = end - start
        var lines: [DemoLogLine] = []
        var previous = start
        for (k, text) in texts.enumerated() {
            let slot = span * (Double(k) + 0.1 + 0.8 * Double(random.int(0..<1000)) / 1000) / Double(texts.count)
            let time = max(previous + 0.000_001, start + slot)
            previous = time
            lines.append(DemoLogLine(time: time, text: text))
        }
        return lines
    }

    private static func workLine(template: String, subject: String, step k: Int, of total: Int, random: inout SeededRandom) -> String {
        let pick = random.int(0..<12)
        let tables = ["payments", "invoices", "refunds", "customers", "ledger_entries", "sessions", "users", "orders"]
        let table = tables[random.int(0..<tables.count)]
        let rows = random.int(1_000..<900_000)
        let ms = random.int(3..<900)
        if template.contains("connect") {
            return ["connecting to \(subject):5432 (attempt \(k % 3 + 1))", "TLS handshake with \(subject) ok (TLSv1.3)",
                "server version 15.\(random.int(2..<8)), max_connections=\(random.int(100..<500))",
                "ping \(subject): \(ms)ms"][pick % 4]
        }
        if template.contains("dump") {
            return ["dumping \(subject).public.\(table) (\(rows) rows)", "pg_dump: reading schema \(table)",
                "wrote \(random.int(4..<400)) KiB to /tmp/schema/\(table).sql"][pick % 3]
        }
        if template.contains("compare") {
            return ["comparing \(table): \(random.int(4..<40)) columns, 0 differences",
                "loaded baseline schema for \(table) from s3://audit-baselines/\(subject)/",
                "checked indexes of \(table) in \(ms)ms"][pick % 3]
        }
        if template.contains("report") || template.contains("publish") {
            return ["uploading part \(k + 1)/\(total) to s3://audit-reports/\(subject).json",
                "rendered section \(table) (\(random.int(1..<30)) findings)"][pick % 2]
        }
        if template.contains("grants") {
            return ["checking grants of role \(["app", "reporting", "readonly", "migrator"][random.int(0..<4)]) on \(subject)",
                "role \(["app", "readonly", "migrator"][random.int(0..<3)]) has \(random.int(2..<30)) grants, none elevated"][pick % 2]
        }
        if template.contains("list") {
            return ["found database \(subject)-\(random.int(0..<400)) in region \(["eu-west-1", "us-east-1", "ap-south-1"][random.int(0..<3)])",
                "querying inventory page \(k + 1)"][pick % 2]
        }
        return ["processing batch \(k + 1)/\(total) (\(rows) rows) in \(ms)ms", "checkpoint \(k + 1) saved",
            "cache hit ratio \(random.int(60..<100))%"][pick % 3]
    }

    /// RFC 3339 with nanoseconds, trailing zeros dropped, as Kubernetes stamps log lines.
    public static func logTimestamp(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        var nanos = Int(((seconds - whole) * 1_000_000_000).rounded())
        if nanos >= 1_000_000_000 { nanos = 999_999_999 }
        let base = String(Timestamp(seconds: whole).rfc3339.dropLast())
        if nanos == 0 { return base + "Z" }
        var fraction = String(nanos).leftPadded(to: 9)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return base + "." + fraction + "Z"
    }
}
