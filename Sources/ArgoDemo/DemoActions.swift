import ArgoAPI
import Foundation

/// The demo server's actions: `PUT /api/v1/workflows/{ns}/{name}/retry|resubmit|stop|terminate|suspend|resume`
/// with the request bodies of Argo Server's swagger. Each changes the simulated workflow now (a watch sees it)
/// and answers with the workflow, as Argo Server does; one that makes no sense in the workflow's phase is
/// refused with Argo's words.
extension DemoServer {
    func action(path: String, body: [UInt8]) -> Response {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // ["", "api", "v1", "workflows", ns, name, verb]
        guard segments.count == 7, segments[1] == "api", segments[2] == "v1", segments[3] == "workflows",
            let verb = WorkflowAction(rawValue: segments[6])
        else { return error(405, code: 12, "method PUT is not supported on \(path) by the demo server") }
        let ns = segments[4], name = segments[5]
        let fields = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        if let bodyName = fields["name"] as? String, bodyName != name {
            return error(400, code: 3, "the body names \(bodyName), the path \(name)")
        }
        let selector = (fields["nodeFieldSelector"] as? String).flatMap(NodeSelector.init)
        if fields["nodeFieldSelector"] is String, selector == nil {
            return error(400, code: 3, "cannot parse nodeFieldSelector \(fields["nodeFieldSelector"] ?? "")")
        }
        let restartSuccessful = fields["restartSuccessful"] as? Bool ?? false
        guard let current = cluster.workflow(named: name), current["metadata"]?["namespace"]?.stringValue == ns else {
            return error(404, code: 5, "workflows.argoproj.io \"\(name)\" not found")
        }
        let phase = current["status"]?["phase"]?.stringValue ?? ""
        let completed = ["Succeeded", "Failed", "Error"].contains(phase)
        let now = rfc3339(cluster.now)
        var next: JSONValue
        switch verb {
        case .retry:
            guard phase == "Failed" || phase == "Error" else {
                return error(400, code: 9, "workflow must be Failed/Error to retry (it is \(phase.isEmpty ? "Pending" : phase))")
            }
            if let selector, current.nodes.allSatisfy({ !selector.matches($0.1) }) {
                return error(400, code: 9, "no node matches \(selector.text)")
            }
            next = current.mappingNodes { node in
                let nodePhase = node["phase"]?.stringValue ?? ""
                let reset = nodePhase == "Failed" || nodePhase == "Error" || (restartSuccessful && (selector?.matches(node) ?? false))
                guard reset else { return node }
                return node.setting(["phase"], .string("Running")).setting(["finishedAt"], .null).removing(["message"])
                    .removing(["outputs", "exitCode"])
            }
            next = next.settingPhase("Running").removing(["status", "message"]).setting(["status", "finishedAt"], .null)
        case .resubmit:
            let copyName = name.count > 6 ? String(name.dropLast(5)) + DemoServer.suffix(name + String(cluster.resourceVersion)) : name + "-" + DemoServer.suffix(name)
            var copy = current.setting(["metadata", "name"], .string(copyName))
                .setting(["metadata", "uid"], .string(WorkflowBuilder(name: copyName, namespace: ns, created: 0).uuid(from: copyName)))
                .setting(["metadata", "creationTimestamp"], .string(now))
                .setting(["metadata", "labels", "workflows.argoproj.io/resubmitted-from-workflow"], .string(name))
                .removing(["metadata", "labels", "workflows.argoproj.io/completed"])
                .removing(["metadata", "ownerReferences"])
            copy = copy.setting(["status"], .object([("phase", .string("Pending")), ("startedAt", .string(now)), ("finishedAt", .null), ("progress", .string("0/0"))]))
            copy = copy.setting(["metadata", "labels", "workflows.argoproj.io/phase"], .string("Pending"))
            let created = cluster.update(copyName) { _ in copy }
            return json(created ?? copy)
        case .stop, .terminate:
            guard !completed else { return error(400, code: 9, "cannot shutdown a completed workflow") }
            let message = "Stopped with strategy '\(verb == .stop ? "Stop" : "Terminate")'"
            next = current.mappingNodes { node in
                let nodePhase = node["phase"]?.stringValue ?? ""
                guard nodePhase == "Running" || nodePhase == "Pending" else { return node }
                return node.setting(["phase"], .string("Failed")).setting(["message"], .string(message)).setting(["finishedAt"], .string(now))
            }
            next = next.settingPhase("Failed").setting(["status", "message"], .string(message)).setting(["status", "finishedAt"], .string(now))
                .setting(["spec", "shutdown"], .string(verb == .stop ? "Stop" : "Terminate"))
                .setting(["metadata", "labels", "workflows.argoproj.io/completed"], .string("true"))
        case .suspend:
            guard phase == "Running" else { return error(400, code: 9, "cannot suspend a workflow that is \(phase.isEmpty ? "Pending" : phase)") }
            next = current.setting(["spec", "suspend"], .bool(true))
        case .resume:
            let waiting = current.nodes.filter { $0.1["type"]?.stringValue == "Suspend" && $0.1["phase"]?.stringValue == "Running" && (selector?.matches($0.1) ?? true) }
            guard current["spec"]?["suspend"] == .bool(true) || !waiting.isEmpty else {
                return error(400, code: 9, "workflow \(name) is not suspended")
            }
            next = current.removing(["spec", "suspend"]).mappingNodes { node in
                guard node["type"]?.stringValue == "Suspend", node["phase"]?.stringValue == "Running", selector?.matches(node) ?? true else { return node }
                return node.setting(["phase"], .string("Succeeded")).setting(["finishedAt"], .string(now))
            }
        }
        let updated = cluster.update(name) { _ in next }
        return json(updated ?? next)
    }

    /// Five characters like a generated name's suffix, from `seed`.
    static func suffix(_ seed: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var value = fnv32a(seed)
        var out = ""
        for _ in 0..<5 {
            out.append(alphabet[Int(value % UInt32(alphabet.count))])
            value /= UInt32(alphabet.count)
        }
        return out
    }
}

/// `nodeFieldSelector`: `key=value` terms (also `!=`), comma-separated, over a node's `id`, `name`,
/// `displayName`, `templateName`, `phase`.
struct NodeSelector {
    var text: String
    var terms: [(key: String, value: String, negated: Bool)] = []

    init?(_ text: String) {
        self.text = text
        for term in text.split(separator: ",") {
            let negated = term.contains("!=")
            let parts = term.replacingOccurrences(of: "!=", with: "=").replacingOccurrences(of: "==", with: "=")
                .split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ["id", "name", "displayName", "templateName", "phase"].contains(parts[0]) else { return nil }
            terms.append((parts[0], parts[1], negated))
        }
        if terms.isEmpty { return nil }
    }

    func matches(_ node: JSONValue) -> Bool {
        terms.allSatisfy { (node[$0.key]?.stringValue == $0.value) != $0.negated }
    }
}

extension JSONValue {
    /// The workflow's nodes, id and node.
    var nodes: [(String, JSONValue)] {
        if case .object(let pairs)? = self["status"]?["nodes"] { return pairs }
        return []
    }

    func mappingNodes(_ transform: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(let pairs)? = self["status"]?["nodes"] else { return self }
        return setting(["status", "nodes"], .object(pairs.map { ($0.0, transform($0.1)) }))
    }

    /// The workflow's phase and its phase label, and the root node's phase.
    func settingPhase(_ phase: String) -> JSONValue {
        var next = setting(["status", "phase"], .string(phase)).setting(["metadata", "labels", "workflows.argoproj.io/phase"], .string(phase))
        if phase == "Running" || phase == "Pending" { next = next.removing(["metadata", "labels", "workflows.argoproj.io/completed"]) }
        if let name = self["metadata"]?["name"]?.stringValue, next["status"]?["nodes"]?[name] != nil {
            next = next.setting(["status", "nodes", name, "phase"], .string(phase))
        }
        return next
    }
}
