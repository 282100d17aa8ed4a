import ArgoAPI

/// A child workflow of an open workflow, as the tree shows it before (and after) it is unfolded.
public struct ChildRef: Equatable, Sendable {
    /// How argotop knows the child belongs to the step.
    public enum Link: String, Equatable, Sendable {
        /// The child's `ownerReferences` name the parent (`setOwnerReference: true`).
        case owner
        /// An output parameter of the step holds the child's name (`jsonPath '{.metadata.name}'`).
        case output
        /// Neither: the child carries the parent's `workflow-template` label and was created while the step ran.
        case inferred
    }

    public var name: String
    public var link: Link
    /// The child as listed (no nodes): phase, progress, message, creation time, locks.
    public var summary: Workflow

    /// Waits on a semaphore or mutex (Pending with a lock message or a waiting entry).
    public var isQueued: Bool { ChildRef.isQueued(summary) }

    public static func isQueued(_ wf: Workflow) -> Bool {
        guard wf.phase == "Pending" || wf.phase.isEmpty else { return false }
        return (wf.status?.message ?? "").hasPrefix("Waiting for ")
    }
}

/// Finds the children of a workflow among candidate workflows (listed without nodes) and the step that made
/// each: ARGO-API.md "Workflow of workflows". Pure; the order of the result is the children's creation order.
public enum ChildFinder {
    static let label = "workflows.argoproj.io/workflow-template"
    /// Seconds of slack between a step's start or end and a child's creation time.
    static let slack = 2.0

    /// Children by the id of the step that created them (the root node's id when no step can be told).
    public static func children(of parent: Workflow, among candidates: [Workflow], now: Double) -> [String: [ChildRef]] {
        let nodes = parent.nodes
        let parentCreated = parent.metadata.creationTimestamp?.seconds ?? -.infinity
        let others = candidates.filter { $0.name != parent.name && (parent.namespace.isEmpty || $0.namespace.isEmpty || $0.namespace == parent.namespace) }
        // No candidate, no child (the usual case until the candidates arrive): no need to go through the steps.
        guard !others.isEmpty else { return [:] }
        let byName = Dictionary(others.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: [ChildRef]] = [:]
        var linked: Set<String> = []
        var stepsWithChild: Set<String> = []

        // 1. A step's output parameter that holds a child's name. Only the steps with such a parameter are put in
        // order (the first in step order wins a child); `steps` (all of them in order) is needed only for 3.
        let pods = nodes.compactMap { $0.value.type == "Pod" ? $0.key : nil }
        let naming = pods.filter { id in
            (nodes[id]!.outputs?.parameters ?? []).contains { $0.value.map { byName[trimmed($0)] != nil } ?? false }
        }
        for id in TreeBuilder.sorted(naming, in: nodes) {
            for parameter in nodes[id]!.outputs?.parameters ?? [] {
                guard let value = parameter.value.map(trimmed), let child = byName[value], !linked.contains(value) else { continue }
                let owned = isOwned(child, by: parent)
                result[id, default: []].append(ChildRef(name: value, link: owned ? .owner : .output, summary: child))
                linked.insert(value)
                stepsWithChild.insert(id)
            }
        }
        // 2. Owner references; 3. the shared workflow-template label, created while a step ran.
        let parentLabel = parent.metadata.labels?[label]
        let rest = others.filter { !linked.contains($0.name) }.sorted(by: creationOrder)
        let steps = rest.isEmpty ? [] : TreeBuilder.sorted(pods, in: nodes).map { nodes[$0]! }
        for child in rest {
            let owned = isOwned(child, by: parent)
            let created = child.metadata.creationTimestamp?.seconds
            if !owned {
                guard let parentLabel, child.metadata.ownerReferences?.isEmpty ?? true,
                    child.metadata.labels?[label] == parentLabel, let created, created >= parentCreated
                else { continue }
            }
            // Children in creation order take the first step (by start, then item) that could have made them.
            let step = created.flatMap { at in steps.first { !stepsWithChild.contains($0.id) && made($0, at: at, now: now) } }
            if step == nil && !owned { continue }  // an inferred child must have a step
            let key = step?.id ?? parent.name
            if let step { stepsWithChild.insert(step.id) }
            result[key, default: []].append(ChildRef(name: child.name, link: owned ? .owner : .inferred, summary: child))
            linked.insert(child.name)
        }
        return result
    }

    /// The value without the white space and newlines around it (as Foundation's trimmingCharacters, without
    /// Foundation's cost when there is nothing to trim).
    static func trimmed(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return value }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func isOwned(_ child: Workflow, by parent: Workflow) -> Bool {
        (child.metadata.ownerReferences ?? []).contains { reference in
            (reference.kind ?? "Workflow") == "Workflow"
                && (parent.metadata.uid.map { reference.uid == $0 } ?? (reference.name == parent.name))
        }
    }

    /// A `resource` step creates its object as soon as its pod runs.
    static let creationWindow = 60.0

    /// Whether a step (started, not Pending) could have created an object at `time`: it ran then, and had
    /// started at most `creationWindow` seconds before.
    static func made(_ step: NodeStatus, at time: Double, now: Double) -> Bool {
        guard step.phase != "Pending", let start = step.startedAt?.seconds else { return false }
        let end = step.finishedAt?.seconds ?? now
        return start - slack <= time && time <= min(end + 0.5, start + creationWindow)
    }

    static func creationOrder(_ a: Workflow, _ b: Workflow) -> Bool {
        let ca = a.metadata.creationTimestamp?.seconds ?? 0, cb = b.metadata.creationTimestamp?.seconds ?? 0
        return ca != cb ? ca < cb : a.name < b.name
    }
}

/// What a group of steps that create children shows: one child per member, counted by the child's phase,
/// with members waiting on a lock (the step itself, or its child) counted as queued.
public struct ChildCounts: Equatable, Sendable {
    public var total = 0
    public var byPhase: [(phase: String, count: Int)] = []
    public var queued = 0

    public static func == (a: ChildCounts, b: ChildCounts) -> Bool {
        a.total == b.total && a.queued == b.queued && a.byPhase.map(\.phase) == b.byPhase.map(\.phase)
            && a.byPhase.map(\.count) == b.byPhase.map(\.count)
    }
}
