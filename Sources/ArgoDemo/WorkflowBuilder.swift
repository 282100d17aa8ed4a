import ArgoAPI
import Foundation

/// Deterministic pseudo-random numbers (SplitMix64), so a seed always gives the same cluster (and a test's
/// random inputs repeat).
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }

    /// Five characters like the suffix Kubernetes gives `generateName` objects.
    mutating func suffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet[int(0..<alphabet.count)] })
    }
}

func rfc3339(_ seconds: Double) -> String { Timestamp(seconds: seconds).rfc3339 }

/// Builds one Workflow object the way the controller writes it: node ids from the node name, pod names in
/// the v2 format, boundaries, children, times.
final class WorkflowBuilder {
    let name: String
    let namespace: String
    let created: Double
    var labels: [(String, String)] = []
    var phase: String = "Succeeded"
    var message: String?
    var startedAt: Double?
    var finishedAt: Double?
    var entrypoint = "main"
    var semaphore: String?
    /// A workflow-level mutex (`spec.synchronization.mutexes`), by name.
    var mutex: String?
    var podNameFormat = "v2"
    /// The parent workflow, as `ownerReferences` names it (`setOwnerReference: true`).
    var owner: String?
    /// `status.synchronization`, as the controller writes it.
    var synchronization: JSONValue?
    /// `spec.ttlStrategy.secondsAfterCompletion` and `spec.podGC.strategy` (nil: the spec has none, a hygiene flag).
    var ttlSeconds: Int? = 86_400
    var podGC: String? = "OnPodSuccess"
    /// The owner's kind when `owner` is set (a cron's runs are owned by their CronWorkflow).
    var ownerKind = "Workflow"
    var annotations: [(String, String)] = []
    /// `status.offloadNodeStatusVersion` (the nodes kept in the server's database).
    var offloadVersion: String?
    private(set) var nodes: [(String, JSONValue)] = []
    private var index: [String: Int] = [:]
    private var childLists: [String: [String]] = [:]

    init(name: String, namespace: String, created: Double) {
        self.name = name
        self.namespace = namespace
        self.created = created
    }

    /// Argo's node id: the workflow name for the root, else `<wf>-<fnv32a(node name)>`.
    func nodeID(_ nodeName: String) -> String {
        nodeName == name ? name : "\(name)-\(fnv32a(nodeName))"
    }

    struct Node {
        var name: String
        var displayName: String
        var type: String
        var template: String?
        var phase: String
        var boundary: String?
        var start: Double?
        var end: Double?
        var message: String?
        var exitCode: Int?
        var outputs: [(String, String)] = []
        var inputs: [(String, String)] = []
        var progress: String?
        var waitingOn: String?
        /// Output artifacts: name and s3 key.
        var artifacts: [(String, String)] = []
    }

    /// Adds a node and links it under `parent` (its `children`). Returns the node's id.
    @discardableResult
    func add(_ node: Node, parent: String? = nil) -> String {
        let id = nodeID(node.name)
        var fields: [(String, JSONValue)] = [
            ("id", .string(id)), ("name", .string(node.name)), ("displayName", .string(node.displayName)),
            ("type", .string(node.type)),
        ]
        if let template = node.template { fields.append(("templateName", .string(template))) }
        fields += [("templateScope", .string("local/\(name)")), ("phase", .string(node.phase))]
        if let boundary = node.boundary { fields.append(("boundaryID", .string(boundary))) }
        if let message = node.message { fields.append(("message", .string(message))) }
        if let start = node.start { fields.append(("startedAt", .string(rfc3339(start)))) }
        fields.append(("finishedAt", node.end.map { .string(rfc3339($0)) } ?? .null))
        if let progress = node.progress { fields.append(("progress", .string(progress))) }
        if node.type == "Pod", let start = node.start {
            let seconds = Int((node.end ?? start + 30) - start)
            fields.append(("resourcesDuration", .object([("cpu", .int(max(1, seconds))), ("memory", .int(max(1, seconds * 4)))])))
            fields.append(("hostNodeName", .string("worker-\(fnv32a(node.name) % 7 + 1)")))
        }
        if !node.inputs.isEmpty {
            fields.append(("inputs", .object([("parameters", .array(node.inputs.map { .object([("name", .string($0.0)), ("value", .string($0.1))]) }))])))
        }
        if !node.outputs.isEmpty || node.exitCode != nil || !node.artifacts.isEmpty {
            var outputs: [(String, JSONValue)] = []
            if !node.outputs.isEmpty {
                outputs.append(("parameters", .array(node.outputs.map { .object([("name", .string($0.0)), ("value", .string($0.1))]) })))
            }
            if !node.artifacts.isEmpty {
                outputs.append(("artifacts", .array(node.artifacts.map {
                    .object([("name", .string($0.0)), ("s3", .object([("key", .string($0.1))]))])
                })))
            }
            if let exitCode = node.exitCode { outputs.append(("exitCode", .string(String(exitCode)))) }
            fields.append(("outputs", .object(outputs)))
        }
        if let lock = node.waitingOn { fields.append(("synchronizationStatus", .object([("waiting", .string(lock))]))) }
        index[id] = nodes.count
        nodes.append((id, .object(fields)))
        if let parent { childLists[parent, default: []].append(id) }
        return id
    }

    /// Adds `child` to the children of `parent` too (a step group follows every step of the group before).
    func link(_ child: String, under parent: String) {
        childLists[parent, default: []].append(child)
    }

    /// Sets a node's finish time once its members are known.
    func finish(_ id: String, at end: Double) {
        guard let i = index[id], case .object(var fields) = nodes[i].1 else { return }
        if let k = fields.firstIndex(where: { $0.0 == "finishedAt" }) { fields[k].1 = .string(rfc3339(end)) }
        nodes[i].1 = .object(fields)
    }

    /// The pod name of a Pod node of a built workflow (nil for other nodes), by the workflow's annotation.
    static func podName(workflow: JSONValue, node: JSONValue) -> String? {
        guard node["type"]?.stringValue == "Pod", let workflowName = workflow["metadata"]?["name"]?.stringValue,
            let nodeName = node["name"]?.stringValue, let id = node["id"]?.stringValue
        else { return nil }
        let template = node["templateRef"]?["template"]?.stringValue ?? node["templateName"]?.stringValue
        let format = workflow["metadata"]?["annotations"]?[PodName.formatAnnotation]?.stringValue
        return PodName.generate(workflowName: workflowName, nodeName: nodeName, templateName: template, nodeID: id, format: format)
    }

    func build() -> JSONValue {
        var nodeMap: [(String, JSONValue)] = []
        for (id, value) in nodes {
            guard case .object(var fields) = value else { continue }
            if let kids = childLists[id] { fields.append(("children", .array(kids.map { .string($0) }))) }
            nodeMap.append((id, .object(fields)))
        }
        let done = nodes.compactMap { pair -> (Bool, Bool)? in
            guard pair.1["type"]?.stringValue == "Pod" else { return nil }
            return (true, pair.1["phase"]?.stringValue == "Succeeded")
        }
        var metadata: [(String, JSONValue)] = [
            ("name", .string(name)), ("generateName", .string(String(name.dropLast(5)))),
            ("namespace", .string(namespace)), ("uid", .string(uuid(from: name))),
            ("resourceVersion", .string(String(fnv32a(name) % 900_000 + 100_000))), ("generation", .int(nodes.count + 2)),
            ("creationTimestamp", .string(rfc3339(created))),
        ]
        var allLabels = labels
        allLabels.append(("workflows.argoproj.io/phase", phase))
        if phase == "Succeeded" || phase == "Failed" || phase == "Error" {
            allLabels.append(("workflows.argoproj.io/completed", "true"))
        }
        metadata.append(("labels", .object(allLabels.map { ($0.0, .string($0.1)) })))
        metadata.append(("annotations", .object([(PodName.formatAnnotation, .string(podNameFormat))] + annotations.map { ($0.0, .string($0.1)) })))
        if let owner {
            metadata.append(("ownerReferences", .array([.object([
                ("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string(ownerKind)), ("name", .string(owner)),
                ("uid", .string(uuid(from: owner))), ("controller", .bool(true)), ("blockOwnerDeletion", .bool(true)),
            ])])))
        }
        metadata.append(("managedFields", .array([.object([("manager", .string("workflow-controller")), ("operation", .string("Update"))])])))

        var spec: [(String, JSONValue)] = [("entrypoint", .string(entrypoint)), ("arguments", .object([]))]
        if let ttlSeconds { spec.append(("ttlStrategy", .object([("secondsAfterCompletion", .int(ttlSeconds))]))) }
        if let podGC { spec.append(("podGC", .object([("strategy", .string(podGC))]))) }
        if let semaphore {
            spec.append(("synchronization", .object([("semaphores", .array([.object([("configMapKeyRef", .object([("name", .string("semaphore-config")), ("key", .string(semaphore))]))])]))])))
        }
        if let mutex {
            spec.append(("synchronization", .object([("mutexes", .array([.object([("name", .string(mutex))])]))])))
        }
        var status: [(String, JSONValue)] = [("phase", .string(phase))]
        if let startedAt { status.append(("startedAt", .string(rfc3339(startedAt)))) }
        status.append(("finishedAt", finishedAt.map { .string(rfc3339($0)) } ?? .null))
        status.append(("progress", .string("\(done.filter { $0.1 }.count)/\(done.count)")))
        if let message { status.append(("message", .string(message))) }
        if let synchronization { status.append(("synchronization", synchronization)) }
        if let offloadVersion { status.append(("offloadNodeStatusVersion", .string(offloadVersion))) }
        if !nodeMap.isEmpty { status.append(("nodes", .object(nodeMap))) }
        status.append(("storedTemplates", .object([("namespaced/\(name)/\(entrypoint)", .object([("name", .string(entrypoint))]))])))
        return .object([
            ("apiVersion", .string("argoproj.io/v1alpha1")), ("kind", .string("Workflow")),
            ("metadata", .object(metadata)), ("spec", .object(spec)), ("status", .object(status)),
        ])
    }

    func uuid(from text: String) -> String {
        let a = fnv32a(text), b = fnv32a(text + "#1"), c = fnv32a(text + "#2"), d = fnv32a(text + "#3")
        let hex = [a, b, c, d].map { String($0, radix: 16).leftPadded(to: 8) }.joined()
        let chars = Array(hex)
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
            + String(chars[16..<20]) + "-" + String(chars[20..<32])
    }
}
